"""HTTP helpers shared by the API tests."""

from __future__ import annotations

from typing import Any

from django.test import Client


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict[str, Any] | None = None, key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, body or {}, content_type="application/json", headers=headers)


def ok(response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()
    return response.json()
