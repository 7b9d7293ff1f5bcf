"""Every answer carries the security headers (pages, the API, errors); HSTS over TLS."""

import pytest
from django.test import Client, override_settings

PATHS = ["/", "/guide/", "/accounts/login/", "/api/v1/openapi.json", "/no-such-page/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_security_headers_on_every_answer(path):
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000)
def test_hsts_when_served_over_tls():
    assert "Strict-Transport-Security" not in Client().get("/")
    secure = Client().get("/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def script_src(response) -> str:  # type: ignore[no-untyped-def]
    directives = dict(
        d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";")
    )
    return directives["script-src"]


@pytest.mark.django_db
def test_scripts_come_only_from_our_own_files(client, supervisor):
    """No inline script runs anywhere: a public page, a staff page and the API's docs page
    (ninja's Swagger UI loads its own files) all answer with script-src 'self' alone."""
    assert script_src(client.get("/")) == "'self'"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and script_src(docs) == "'self'"
    client.force_login(supervisor)
    staff = client.get("/staff/dashboard/")
    assert staff.status_code == 200 and script_src(staff) == "'self'"
