"""The staff deadline calculator (期限计算器)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from onestop.org.queries import is_staff_member
from onestop.workdays.calendar import local_date


@login_required
def calculator(request: HttpRequest) -> HttpResponse:
    """A form that asks GET /api/v1/workdays/due and shows the answer (see api/workdays.py)."""
    if not is_staff_member(request.user):
        return redirect(settings.PUBLIC_HOME)
    return render(request, "workdays/calculator.html", {"today": local_date(timezone.now())})
