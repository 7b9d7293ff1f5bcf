"""What the documents app adds to the staff case page (`cases.hooks.case_page`): the case's
written notices and its certificate, with whether the user may revoke it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from onestop.cases.models import Case
from onestop.cases.permissions import holds_role
from onestop.documents.actions import REVOKERS
from onestop.documents.queries import certificate_of
from onestop.documents.render import available_notices


def case_page(case: Case, user: User) -> dict[str, Any]:
    certificate = certificate_of(case)
    return {
        "notices": available_notices(case),
        "certificate": certificate,
        "can_revoke": certificate is not None
        and certificate.status == "valid"
        and holds_role(user, case, REVOKERS, certificate.department_id),
    }
