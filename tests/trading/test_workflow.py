"""The tables of allowed moves: every state is named, the named sets say what they claim, and
a move from a wrong state is refused in Chinese naming the state and the move."""

from __future__ import annotations

import pytest

from onestop.core.errors import TransitionError
from onestop.draws.errors import DrawError
from onestop.draws.models import Draw
from onestop.draws.workflow import DRAW
from onestop.draws.workflow import check as check_draw
from onestop.intermediaries.models import Intermediary, Need
from onestop.intermediaries.workflow import INTERMEDIARY, NEED
from onestop.trading import rules
from onestop.trading.models import Bid, Complaint, Project
from onestop.trading.workflow import BID, COMPLAINT, PROJECT

S = Project.Status
TABLES = [
    (PROJECT, Project.Status),
    (BID, Bid.Status),
    (COMPLAINT, Complaint.Status),
    (DRAW, Draw.Status),
    (INTERMEDIARY, Intermediary.Status),
    (NEED, Need.Status),
]


@pytest.mark.parametrize(("workflow", "status"), TABLES)
def test_every_state_is_labelled_and_every_set_is_made_of_states(workflow, status) -> None:  # type: ignore[no-untyped-def]
    assert set(workflow.labels) == set(status.values)
    for named in workflow.sets.values():
        assert named <= set(status.values)


def test_open_and_closed_split_the_project_states() -> None:
    open_, closed = PROJECT.state_set("OPEN"), PROJECT.state_set("CLOSED")
    assert open_ | closed == set(S.values) and not open_ & closed
    assert closed == {S.CONTRACTED, S.FAILED, S.CANCELLED}
    assert PROJECT.state_set("PUBLIC") == set(S.values) - {S.DRAFT, S.REVIEW}


def test_a_closed_or_suspended_project_cannot_be_suspended_again() -> None:
    for state in (*PROJECT.state_set("CLOSED"), S.SUSPENDED):
        assert not PROJECT.allowed_from("suspend", state)
    assert PROJECT.allowed_from("suspend", S.PUBLICITY)


def test_a_wrong_state_is_refused_by_name() -> None:
    with pytest.raises(TransitionError, match="项目当前状态为“草稿”，不能执行“定标”"):
        PROJECT.check(S.DRAFT, "award")
    assert PROJECT.moves_from(S.AWARDED) == ["contract", "suspend"]


def test_a_draws_refusal_is_a_draw_error() -> None:
    with pytest.raises(DrawError, match="不能执行“抽取”"):
        check_draw(Draw(status=Draw.Status.DRAWN), "perform")


@pytest.mark.parametrize(
    ("size", "experts", "field"),
    [
        (5, 4, None),
        (5, 5, None),
        (4, 4, "size"),
        (3, 3, "size"),
        (7, 4, "experts"),
        (5, 6, "experts"),
    ],
)
def test_the_committee_make_up(size: int, experts: int, field: str | None) -> None:
    problem = rules.committee_problem(size, experts)
    assert (problem[0] if problem else None) == field
