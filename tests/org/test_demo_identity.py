"""The demo district's accounts are real-name verified, and one resident's claim waits for proof
(README's demo accounts)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone

from onestop.cases.models import Case
from onestop.demo.load import load_demo
from onestop.demo.org import PENDING_USERNAME
from onestop.org.models import Applicant, IdentityClaim
from tests.api.helpers import login

# A working day, so that the demo's cases are built the same whatever today's date is.
DEMO_DAY = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_demo_accounts_hold_proven_numbers_and_the_pending_one_is_confirmed_at_the_window(
    db, django_user_model
):
    with time_machine.travel(DEMO_DAY, tick=False):
        load_demo(now=timezone.now(), history=False)
        held = Applicant.objects.exclude(id_number="", credit_code="").exclude(
            user__password__startswith=UNUSABLE_PASSWORD_PREFIX
        )
        assert held.filter(user__username="zhangmin").exists()
        for applicant in held:
            assert IdentityClaim.objects.filter(
                user=applicant.user, status=IdentityClaim.Status.PROVEN
            ).exists(), applicant
        claim = IdentityClaim.objects.get(user__username=PENDING_USERNAME)
        assert claim.status == IdentityClaim.Status.PENDING
        record = Applicant.objects.get(id_number=claim.id_number)
        cases = Case.objects.filter(applicant=record)
        assert cases.exists()
        person = login(claim.user)
        assert cases.first().number not in person.get("/my/cases/").content.decode()
        clerk = login(django_user_model.objects.get(username="clerk"))
        response = clerk.post(
            "/accounts/identity/confirm/",
            {"number": claim.id_number, "username": PENDING_USERNAME, "seen": "on"},
        )
        assert response.status_code == 302
        page = person.get("/my/cases/").content.decode()
        assert all(c.number in page for c in cases)
