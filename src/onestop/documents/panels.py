"""What the documents app adds to the staff case page (`cases.hooks.case_page`): the case's
written notices and its certificate, the button that issues it when the user may, and the
revocation form when the user may revoke."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from onestop.cases.models import Case
from onestop.cases.permissions import holds_role
from onestop.documents.actions import REVOKERS
from onestop.documents.queries import certificate_of
from onestop.documents.render import available_notices


def case_page(request: HttpRequest, case: Case, user: User, allowed: list[str]) -> SafeString:
    certificate = certificate_of(case)
    context = {
        "case": case,
        "notices": available_notices(case),
        "certificate": certificate,
        "can_issue": "issue_certificate" in allowed,
        "can_revoke": certificate is not None
        and certificate.status == "valid"
        and holds_role(user, case, REVOKERS, certificate.department_id),
    }
    return SafeString(render_to_string("documents/_case_panel.html", context, request=request))
