"""Property-based tests of the whole API from its own OpenAPI document (schemathesis).

Every operation gets a bounded number of generated requests, signed in as a centre
administrator with a Bearer token over a small demo-like world: no answer may be a 5xx, and
every answer must match the documented schema (status codes, content type, body).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from onestop.apitokens.actions import create_token
from onestop.org.models import Role
from onestop.wsgi import application
from tests.conftest import make_staff

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(district, dept_a, item, applicant, centre):
    admin = make_staff("api_admin", Role.CENTRE_ADMIN, district, dept_a)
    return create_token(admin, name="schemathesis", now=timezone.now())[1]


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_5xx_or_off_schema(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
