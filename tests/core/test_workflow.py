"""The kernel's table of moves: a move is allowed from exactly the states it names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.core.errors import DomainError, TransitionError
from onestop.core.workflow import Move, Workflow, states

STATES = ["new", "open", "paused", "done", "void"]
LABELS = {"new": "新建", "open": "办理中", "paused": "暂停", "done": "已办结", "void": "已作废"}

moves_strategy = st.dictionaries(
    keys=st.sampled_from(["start", "pause", "finish", "cancel", "note"]),
    values=st.builds(
        Move,
        label=st.sampled_from(["开始", "暂停", "办结", "作废", "备注"]),
        sources=st.lists(st.sampled_from(STATES), min_size=1, unique=True).map(tuple),
        target=st.one_of(st.none(), st.sampled_from(STATES)),
    ),
    min_size=1,
)


@given(moves=moves_strategy, state=st.sampled_from(STATES))
def test_check_allows_exactly_the_named_sources(moves: dict[str, Move], state: str) -> None:
    flow = Workflow(noun="事项", moves=moves, labels=LABELS)
    for name, move in moves.items():
        if state in move.sources:
            assert flow.check(state, name) is move
            assert name in flow.moves_from(state)
        else:
            with pytest.raises(TransitionError) as refused:
                flow.check(state, name)
            # The refusal names the object, its state in Chinese and the move, for the page.
            assert (
                refused.value.message == f"事项当前状态为“{LABELS[state]}”，不能执行“{move.label}”"
            )
            assert refused.value.status == 409 and isinstance(refused.value, DomainError)
            assert name not in flow.moves_from(state)


def test_a_table_naming_an_unknown_state_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="gone"):
        Workflow(noun="事项", moves={"x": Move("x", ("new",), "gone")}, labels=LABELS)


@given(st.lists(st.sets(st.sampled_from(STATES))), st.sampled_from(STATES))
def test_named_sets_are_unions(groups: list[set[str]], state: str) -> None:
    flow = Workflow(noun="事项", moves={}, labels=LABELS, sets={"ANY": states(*groups)})
    assert flow.is_in(state, "ANY") == any(state in g for g in groups)
