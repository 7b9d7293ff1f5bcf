"""Parallel approval's lifecycles as tables of moves (STYLE §3): the submission (a project's
stage or a start-up bundle), the joint event and the project's green-channel request; and the
named sets of the member cases' states that the fan-in reads."""

from __future__ import annotations

from typing import cast

from onestop.cases.models import Case
from onestop.core.workflow import Move, Workflow, states
from onestop.parallel.models import JointEvent, Project, Submission

S = Submission.Status
J = JointEvent.Status
G = Project.Green
C = Case.Status

SUBMISSION = Workflow(
    noun="该并联受理",
    moves={
        # More member items join a stage that ran ahead, until it closes.
        "add_members": Move("受理成员事项", (S.OPEN,)),
        # The last member case decided: granted, refused or withdrawn by the outcome.
        "close": Move("办结", (S.OPEN,)),
        "extend_joint_limit": Move("延长联合办理期限", (S.OPEN,)),
        "schedule_joint_event": Move("安排联合办理", (S.OPEN,)),
        "deliver": Move("统一送达", (S.GRANTED,), S.DELIVERED),
    },
    labels=cast(dict[str, str], dict(S.choices)),
    sets={
        "OPEN": states(S.OPEN),
        # A stage done: the next stage may follow.
        "GRANTED": states(S.GRANTED, S.DELIVERED),
        "CLOSED": states(S.GRANTED, S.REFUSED, S.WITHDRAWN, S.DELIVERED),
    },
)

JOINT_EVENT = Workflow(
    noun="该联合办理事件",
    moves={
        "record": Move("记录纪要", (J.SCHEDULED,), J.HELD),
        # Each invited department signs; the last signature holds the countersign.
        "sign": Move("会签", (J.SCHEDULED,)),
    },
    labels=cast(dict[str, str], dict(J.choices)),
    sets={"OPEN": states(J.SCHEDULED), "CLOSED": states(J.HELD, J.CANCELLED)},
)

GREEN_CHANNEL = Workflow(
    noun="该项目绿色通道",
    moves={
        "request": Move("申请绿色通道", (G.NONE, G.REJECTED), G.REQUESTED),
        "decide": Move("审批绿色通道", (G.REQUESTED,)),
    },
    labels=cast(dict[str, str], dict(G.choices)),
    sets={"ON": states(G.APPROVED)},
)

# The member cases' states, as the fan-in reads them: a member has its outcome once it is
# decided (granted, refused, completed, delivered), not accepted, or withdrawn.
MEMBER_DECIDED = states(C.GRANTED, C.REFUSED, C.COMPLETED, C.DELIVERED, C.WITHDRAWN, C.NOT_ACCEPTED)
MEMBER_REFUSED = states(C.REFUSED, C.NOT_ACCEPTED)
# A member whose certificate is out: the unified delivery may hand it over.
MEMBER_ISSUED = states(C.COMPLETED, C.DELIVERED)
