"""GET /api/v1/identity/check over HTTP."""

import pytest


@pytest.mark.parametrize(
    ("kind", "value", "valid"),
    [
        ("id_number", "11010519491231002X", True),
        ("id_number", "11010519491231002x", True),
        ("id_number", "110105194912310021", False),
        ("credit_code", "914403001922038216", True),
        ("credit_code", "914403001922038217", False),
    ],
)
def test_it_checks_numbers(client, db, kind, value, valid):
    response = client.get("/api/v1/identity/check", {"kind": kind, "value": value})
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is valid
    assert (body["reason"] == "") is valid


def test_it_names_the_check_character_in_the_reason(client, db):
    body = client.get(
        "/api/v1/identity/check", {"kind": "id_number", "value": "110105194912310021"}
    ).json()
    assert "最后一位应为 X" in body["reason"]


def test_unknown_kind_is_a_422_naming_the_field(client, db):
    response = client.get("/api/v1/identity/check", {"kind": "passport", "value": "E1234"})
    assert response.status_code == 422
    assert response.json()["field"] == "kind"


def test_missing_value_is_a_422_naming_the_field(client, db):
    response = client.get("/api/v1/identity/check", {"kind": "id_number"})
    assert response.status_code == 422
    assert response.json()["field"] == "value"
