"""HSTS over TLS, including TLS ended at a proxy: X-Forwarded-Proto counts only when the
deployment says a proxy sets it (BEHIND_HTTPS_PROXY), so a client cannot claim it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

SRC = Path(__file__).resolve().parents[2] / "src"


def settings_with(env: dict[str, str]) -> dict[str, object]:
    """The production settings module, read in a fresh interpreter with `env`."""
    code = (
        "import json; from onestop import settings as s; "
        "print(json.dumps([s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
        "s.SESSION_COOKIE_SECURE]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "BEHIND_"))}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "PYTHONPATH": str(SRC), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    hsts, proxy, cookies = json.loads(out.stdout.strip().splitlines()[-1])
    return {"hsts": hsts, "proxy": proxy, "secure_cookies": cookies}


def test_settings_turn_hsts_and_the_proxy_header_on_from_the_environment():
    production = settings_with({"SECURE_COOKIES": "true", "BEHIND_HTTPS_PROXY": "true"})
    assert production["hsts"] > 0 and production["secure_cookies"] is True
    assert production["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    direct = settings_with({"SECURE_COOKIES": "true"})
    assert direct["proxy"] is None  # nobody's X-Forwarded-Proto is believed by default


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_hsts_when_tls_ends_at_the_proxy():
    for path in ("/", "/api/v1/openapi.json", "/no-such-page/"):
        r = Client().get(path, HTTP_X_FORWARDED_PROTO="https")
        assert r["Strict-Transport-Security"].startswith("max-age=31536000"), path
    assert "Strict-Transport-Security" not in Client().get("/", HTTP_X_FORWARDED_PROTO="http")


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_PROXY_SSL_HEADER=None)
def test_a_client_cannot_claim_tls_without_a_proxy():
    r = Client().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in r
    assert Client().get("/", secure=True)["Strict-Transport-Security"].startswith("max-age=")
