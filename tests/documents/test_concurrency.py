"""Two staff issue the certificate of one case at the same moment: one certificate."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from onestop.cases.models import Case, CaseEvent
from onestop.documents.actions import issue_certificate
from onestop.documents.models import Certificate
from tests.documents.conftest import GRANTED_AT


@pytest.mark.django_db(transaction=True)
def test_two_issuers_at_once_make_one_certificate(granted_case, clerk, approver):
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    errors: list[Exception] = []

    def issue(actor):
        try:
            barrier.wait()
            cert = issue_certificate(
                Case(pk=granted_case.pk), actor=actor, now=GRANTED_AT + timedelta(days=1)
            )
            numbers.append(cert.number)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(a,)) for a in (clerk, approver)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(numbers)) == 1 and len(numbers) == 2
    assert Certificate.objects.count() == 1
    assert CaseEvent.objects.filter(case_id=granted_case.pk, kind="certificate_issued").count() == 1
