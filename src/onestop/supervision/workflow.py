"""The lifecycle of a card (督办卡: 黄牌/红牌), kept on its rectification's status (STYLE §3).

A card is issued open; the department head answers (again, while it is not finished); a
supervisor closes it (销号) once answered, or withdraws it issued in error; an open or answered
yellow card may be escalated to a red one (the yellow stays on record, its state unchanged).
Alerts and violations have no states: they are facts, recorded once.
"""

from __future__ import annotations

from typing import cast

from onestop.core.workflow import Move, Workflow, states
from onestop.org.models import Role
from onestop.supervision.models import Rectification

R = Rectification.Status

# Being dealt with: the department may still answer, a supervisor may still act.
LIVE = states(R.OPEN, R.ANSWERED)
# Counts in the efficiency score (a withdrawn card counts nowhere).
STANDING = states(LIVE, R.CLOSED)
FINISHED = states(R.CLOSED, R.WITHDRAWN)

CARD = Workflow(
    noun="亮牌",
    moves={
        "answer": Move("反馈整改", tuple(LIVE), R.ANSWERED, (Role.DEPARTMENT_HEAD,)),
        "close": Move("销号", (R.ANSWERED,), R.CLOSED, (Role.SUPERVISOR,)),
        "withdraw": Move("撤销", tuple(LIVE), R.WITHDRAWN, (Role.SUPERVISOR,)),
        "escalate": Move("升级", tuple(LIVE), None, (Role.SUPERVISOR,)),
        "mark_overdue": Move("整改逾期", (R.OPEN,), None, ()),
    },
    # Lazy labels, translated when a message is formatted.
    labels=cast(dict[str, str], dict(R.choices)),
    sets={"LIVE": LIVE, "STANDING": STANDING, "FINISHED": FINISHED},
)
