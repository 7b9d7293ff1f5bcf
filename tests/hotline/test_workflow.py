"""The hotline's lifecycles as tables: every state is open or closed, never both, and the moves
lead where the actions take a ticket."""

from __future__ import annotations

import pytest

from onestop.core.errors import TransitionError
from onestop.hotline import workflow as wf
from onestop.hotline.models import Dispatch, Ticket

S, D = wf.TicketStatus, wf.DispatchStatus


def test_every_ticket_state_is_open_or_closed_and_not_both():
    assert set(S.values) == wf.OPEN | wf.CLOSED
    assert not wf.OPEN & wf.CLOSED
    assert wf.TICKET.state_set("CLOSED") == {S.CLOSED, S.ANSWERED, S.MERGED}


def test_the_models_read_the_same_sets():
    for state in S.values:
        assert Ticket(status=state).is_open == (state in wf.OPEN)
    for state in D.values:
        assert Dispatch(status=state).is_open == (state in wf.DISPATCH_OPEN)


def test_the_moves_from_each_state():
    assert set(wf.TICKET.moves_from(S.REGISTERED)) >= {"answer", "merge", "dispatch", "escalate"}
    assert "dispatch" in wf.TICKET.moves_from(S.SENT_BACK)
    assert {"callback", "escalate"} <= set(wf.TICKET.moves_from(S.REPLIED))
    assert "dispatch" not in wf.TICKET.moves_from(S.REPLIED)
    assert "reopen" in wf.TICKET.moves_from(S.CLOSED)
    assert wf.DISPATCH.moves_from(D.REPLIED) == []


def test_a_refused_move_names_the_state_or_says_it_in_its_own_words():
    with pytest.raises(TransitionError, match="已办结.*派单"):
        wf.check(wf.TICKET, S.CLOSED, "dispatch")
    with pytest.raises(TransitionError, match="^签收后才能答复$"):
        wf.check(wf.DISPATCH, D.PENDING, "reply", "签收后才能答复")
    assert wf.advance(wf.DISPATCH, D.PENDING, "sign") == D.SIGNED
    with pytest.raises(ValueError):
        wf.advance(wf.TICKET, S.REPLIED, "callback")  # its outcome decides the state
