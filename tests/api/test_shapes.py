"""`shape`: a response schema filled from an object's attributes of the same name."""

from types import SimpleNamespace

import pytest
from ninja import Schema

from onestop.apitokens.shapes import shape


class PersonOut(Schema):
    name: str
    age: int
    label: str


def test_it_reads_the_fields_of_the_same_name_and_takes_the_given_ones():
    person = SimpleNamespace(name="张三", age=30, label="unused", other="ignored")
    out = shape(PersonOut, person, label="户主")
    assert out == PersonOut(name="张三", age=30, label="户主")


def test_it_refuses_a_given_field_the_schema_does_not_have():
    with pytest.raises(TypeError, match="nickname"):
        shape(PersonOut, SimpleNamespace(name="张三", age=30), label="户主", nickname="小张")


def test_a_field_the_object_lacks_is_an_error_not_a_default():
    with pytest.raises(AttributeError):
        shape(PersonOut, SimpleNamespace(name="张三"), label="户主")
