"""Two ratings of the same case at the same moment (the pad and the SMS link): one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from onestop.cases.audit import verify_cases
from onestop.cases.models import Case, CaseEvent
from onestop.core.errors import TransitionError
from onestop.evaluation import actions
from onestop.evaluation.models import Rating, Rectification
from tests.case_fixtures import NOW
from tests.evaluation.conftest import WHY_HALL, WHY_ONLINE


@pytest.mark.django_db(transaction=True)
def test_two_ratings_at_once_one_wins(done_case, window_a01):
    barrier = threading.Barrier(2)
    results: list[str] = []

    def rate(window, channel, score, why):
        try:
            barrier.wait()
            actions.rate_case(
                Case(pk=done_case.pk),
                actor=None,
                now=NOW,
                score=score,
                channel=channel,
                window=window,
                **why,
            )
            results.append("ok")
        except TransitionError as e:
            assert "已评价" in e.message
            results.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=rate, args=(window_a01, Rating.Channel.PAD, 1, WHY_HALL)),
        threading.Thread(target=rate, args=(None, Rating.Channel.SMS_LINK, 2, WHY_ONLINE)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert Rating.objects.filter(case_id=done_case.pk).count() == 1
    assert Rectification.objects.filter(case_id=done_case.pk).count() == 1
    assert CaseEvent.objects.filter(case_id=done_case.pk, kind="rated").count() == 1
    assert verify_cases() == []
