"""Building a response schema from a model object: what the object has under the field's own
name is read from it, the rest is given."""

from typing import Any, TypeVar

from pydantic import BaseModel

S = TypeVar("S", bound=BaseModel)


def shape(schema: type[S], obj: object, **given: Any) -> S:
    """`schema` filled from `obj`: the `given` fields as given, every other field read from the
    attribute of the same name (a missing one is an AttributeError, not a silent default)."""
    unknown = given.keys() - schema.model_fields.keys()
    if unknown:
        raise TypeError(f"{schema.__name__} has no field {', '.join(sorted(unknown))}")
    return schema(
        **{
            name: given[name] if name in given else getattr(obj, name)
            for name in schema.model_fields
        }
    )
