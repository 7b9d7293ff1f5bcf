"""The demo's decided licence cases are published, enterprises' under their own names."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from onestop.cases.models import Case
from onestop.disclosure.actions import unpublished
from onestop.disclosure.models import LicenceDecision

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_decisions_show_up(client):
    from onestop.demo.load import load_demo  # noqa: PLC0415 - nothing outside tests imports it

    load_demo(now=timezone.now())
    decided = Case.objects.filter(decided_at__isnull=False, item__category="licensing").exclude(
        status="withdrawn"
    )
    assert decided.exists()
    assert not unpublished().exists()
    rows = LicenceDecision.objects.select_related("case__applicant")
    assert rows.count() == decided.count()
    for row in rows:
        applicant = row.case.applicant
        if applicant.kind == "enterprise":
            assert (row.counterpart_name, row.counterpart_code) == (
                applicant.name,
                applicant.credit_code,
            )
        else:
            assert row.counterpart_name != applicant.name and row.counterpart_code == ""
    html = client.get(reverse("portal:licences")).content.decode()
    assert rows.first().document_number in html
    for applicant in {r.case.applicant for r in rows if r.case.applicant.kind == "person"}:
        assert applicant.id_number == "" or applicant.id_number not in html
        assert applicant.phone not in html
        assert applicant.name not in html
