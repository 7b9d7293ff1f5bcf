"""What the fees app adds to the staff case page (`cases.hooks.case_page`): the way to the case's
fees and payments, once the case is submitted."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from onestop.cases.models import Case


def case_page(
    request: HttpRequest, case: Case, user: User, allowed: list[str]
) -> SafeString | None:
    if case.status == Case.Status.DRAFT:
        return None
    return SafeString(render_to_string("fees/_case_panel.html", {"case": case}, request=request))
