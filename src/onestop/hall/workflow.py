"""The hall's lifecycles as tables of moves (STYLE §3): the queue ticket, the booking and the
first-inquiry record. Actions check a move here instead of comparing states inline."""

from __future__ import annotations

from typing import cast

from onestop.core.workflow import Move, Workflow, states
from onestop.hall.models import Booking, Inquiry, Ticket

T = Ticket.Status
B = Booking.Status
I = Inquiry.Status  # noqa: E741 - the status enum, as T and B

# A ticket at a window: called there, or being served.
AT_WINDOW = states(T.CALLED, T.SERVING)
# Still in the hall's hands today; left over at day's end, it is abandoned (未办理离开).
UNSERVED = states(T.WAITING, T.CALLED)

TICKET = Workflow(
    noun="该号",
    moves={
        "call": Move("叫号", (T.WAITING,), T.CALLED),
        "recall": Move("重呼", (T.CALLED,)),
        "start": Move("开始办理", (T.CALLED,), T.SERVING),
        "finish": Move("结束办理", (T.SERVING,), T.DONE),
        "no_show": Move("过号", (T.CALLED,), T.NO_SHOW),
        "transfer": Move("转窗口", tuple(AT_WINDOW), T.WAITING),
        "start_case": Move("受理办件", tuple(AT_WINDOW), T.SERVING),
        "abandon": Move("未办理离开", tuple(UNSERVED), T.ABANDONED),
    },
    labels=cast(dict[str, str], dict(T.choices)),
    sets={
        "AT_WINDOW": AT_WINDOW,
        "UNSERVED": UNSERVED,
        "OPEN": states(T.WAITING, AT_WINDOW),
        "CLOSED": states(T.DONE, T.NO_SHOW, T.ABANDONED),
    },
)

BOOKING = Workflow(
    noun="预约",
    moves={
        "cancel": Move("取消", (B.BOOKED,), B.CANCELLED),
        "check_in": Move("取号", (B.BOOKED,), B.CHECKED_IN),
        "no_show": Move("记为爽约", (B.BOOKED, B.CHECKED_IN), B.NO_SHOW),
    },
    labels=cast(dict[str, str], dict(B.choices)),
    sets={"OPEN": states(B.BOOKED), "CLOSED": states(B.CHECKED_IN, B.CANCELLED, B.NO_SHOW)},
)

INQUIRY = Workflow(
    noun="该咨询",
    moves={
        "answer": Move("答复", (I.OPEN,), I.ANSWERED),
        "hand_over": Move("移交", (I.OPEN,)),
    },
    labels=cast(dict[str, str], dict(I.choices)),
    sets={"OPEN": states(I.OPEN), "CLOSED": states(I.ANSWERED)},
)
