"""Two clerks accept the same case at the same moment: exactly one succeeds."""

import threading

import pytest
from django.db import connection

from onestop.cases import actions
from onestop.cases.models import Case, CaseEvent, Task
from onestop.core.errors import TransitionError
from onestop.org.models import Role
from tests.cases.conftest import NOW, provide_all
from tests.conftest import make_staff


@pytest.mark.django_db(transaction=True)
def test_two_clerks_accepting_at_once_one_wins(new_case, clerk, district, dept_a):
    second = make_staff("clerk_a2", Role.CLERK, district, dept_a)
    case = new_case()
    provide_all(case)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def accept(actor):
        try:
            barrier.wait()
            actions.accept_case(Case(pk=case.pk), actor=actor, now=NOW)
            results.append("ok")
        except TransitionError:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(a,)) for a in (clerk, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert CaseEvent.objects.filter(case_id=case.pk, kind="accepted").count() == 1
    assert Task.objects.filter(case_id=case.pk, kind="review").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_key_from_two_threads_takes_effect_once(new_case, clerk):
    case = new_case()
    provide_all(case)
    barrier = threading.Barrier(3)
    errors: list[Exception] = []

    def accept():
        try:
            barrier.wait()
            actions.accept_case(Case(pk=case.pk), actor=clerk, now=NOW, key="retry-42")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert CaseEvent.objects.filter(case_id=case.pk, key="retry-42").count() == 1
