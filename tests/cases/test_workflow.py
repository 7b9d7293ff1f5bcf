"""The case's workflow table on the kernel: named sets and the checks that read them."""

from __future__ import annotations

import pytest

from onestop.cases import hooks, workflow
from onestop.cases.models import Case
from onestop.core.errors import TransitionError

S = Case.Status


def test_closed_and_running_are_said_once():
    assert frozenset(Case.CLOSED) == workflow.CLOSED
    assert frozenset(Case.CLOCK_RUNNING) == workflow.CLOCK_RUNNING
    assert workflow.WORKFLOW.is_in(S.WITHDRAWN, "CLOSED")
    assert not workflow.WORKFLOW.is_in(S.COMPLETED, "CLOSED")


def test_withdrawal_is_open_until_the_decision():
    sources = set(workflow.MOVES["withdraw"].sources)
    assert sources == set(workflow.OPEN_BEFORE_DECISION)
    assert S.GRANTED not in sources and S.SUSPENDED in sources


def test_a_move_from_the_wrong_state_names_both_in_chinese():
    with pytest.raises(TransitionError, match="办件当前状态为“已受理”，不能执行“受理”"):
        workflow.WORKFLOW.check(S.ACCEPTED, "accept")


def test_the_apps_above_fill_the_hooks():
    for hook in (
        hooks.case_closed,
        hooks.halving_rules,
        hooks.fees_settled,
        hooks.certificate_issued,
        hooks.rating_link,
        hooks.case_page,
        hooks.window_ticket,
        hooks.accept_from_ticket,
    ):
        assert len(hook) >= 1, hook
