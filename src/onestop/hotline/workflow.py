"""The lifecycles of a hotline ticket and of a department's dispatch (STYLE §3, core.workflow).

A ticket: 受理 registered → 派单 dispatched → 签收 in_progress → 答复 replied → 回访 closed
(or back to registered: 重办); a send-back leaves it sent_back until 改派; a consultation may be
answered on the spot, a duplicate merged. A dispatch (one department's part): pending → signed →
replied, or sent back; a new dispatch withdraws what is still open of the last one.

The states are declared here, beside their moves; the models take them from here. Named sets say
once what a word means: "closed" is CLOSED and nothing else.
"""

from __future__ import annotations

from typing import cast

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import TransitionError
from onestop.core.workflow import Move, Workflow, states
from onestop.org.models import Role

OPERATOR = Role.HOTLINE_OPERATOR
HANDLER = "handler"  # staff of the department the dispatch went to
LEADER = "leader"  # a district leader of the 督办 queue
SYSTEM = "system"  # the sweep, or registration from the portal / Open311


class TicketStatus(models.TextChoices):
    REGISTERED = "registered", _("已受理待派单")
    DISPATCHED = "dispatched", _("已派单待签收")
    SENT_BACK = "sent_back", _("已退单待改派")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已答复待回访")
    CLOSED = "closed", _("已办结")
    ANSWERED = "answered", _("当场解答")
    MERGED = "merged", _("已合并")


class DispatchStatus(models.TextChoices):
    PENDING = "pending", _("待签收")
    SIGNED = "signed", _("已签收")
    SENT_BACK = "sent_back", _("已退单")
    REPLIED = "replied", _("已答复")
    WITHDRAWN = "withdrawn", _("已撤回")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")


class EscalationStatus(models.TextChoices):
    WAITING = "waiting", _("待领导批示")
    INSTRUCTED = "instructed", _("已批示督办中")
    FINISHED = "finished", _("督办办结")


def _labels(status: type[models.TextChoices]) -> dict[str, str]:
    """State -> label; the labels stay lazy, so a message is in the request's language."""
    return cast(dict[str, str], dict(status.choices))


S = TicketStatus
D = DispatchStatus
X = ExtensionStatus
E = EscalationStatus

# --- named state sets of a ticket --------------------------------------------------------------

# Waiting for the centre to dispatch it (first time, after a reopen, or after a send-back).
AWAITING_DISPATCH = states(S.REGISTERED, S.SENT_BACK)
# With a department: dispatched and not yet replied (the light runs; a leader may instruct).
WITH_DEPARTMENT = states(S.DISPATCHED, S.IN_PROGRESS)
AWAITING_CALLBACK = states(S.REPLIED)
OPEN = states(AWAITING_DISPATCH, WITH_DEPARTMENT, AWAITING_CALLBACK)
# Finished: closed after a callback, answered on the spot, or merged into another ticket.
CLOSED = states(S.CLOSED, S.ANSWERED, S.MERGED)
# Its answer may be published (Open311's status_notes).
ANSWER_GIVEN = states(S.REPLIED, S.CLOSED, S.ANSWERED)

# --- named state sets of a dispatch ------------------------------------------------------------

DISPATCH_OPEN = states(D.PENDING, D.SIGNED)

TICKET = Workflow(
    noun="工单",
    moves={
        "register": Move("受理", (), S.REGISTERED, (OPERATOR, SYSTEM)),
        "answer": Move("当场解答", (S.REGISTERED,), S.ANSWERED, (OPERATOR,)),
        "merge": Move("合并", (S.REGISTERED,), S.MERGED, (OPERATOR,)),
        "merge_into": Move("合并进来", tuple(OPEN), None, (OPERATOR,)),
        "dispatch": Move("派单", tuple(AWAITING_DISPATCH), S.DISPATCHED, (OPERATOR,)),
        "sign": Move("签收", (S.DISPATCHED,), S.IN_PROGRESS, (HANDLER,)),
        "send_back": Move("退单", tuple(WITH_DEPARTMENT), S.SENT_BACK, (HANDLER,)),
        "reply": Move("答复", tuple(WITH_DEPARTMENT), S.REPLIED, (HANDLER,)),
        # solved and satisfied: closed; else back to registered for 重办
        "callback": Move("回访", tuple(AWAITING_CALLBACK), None, (OPERATOR,)),
        "reopen": Move("重办", (S.CLOSED,), S.REGISTERED, (OPERATOR,)),
        "escalate": Move("提请督办", tuple(OPEN), None, (OPERATOR, SYSTEM)),
        "instruct": Move("领导批示", tuple(WITH_DEPARTMENT), None, (LEADER,)),
        "finish_escalation": Move("结束督办", tuple(CLOSED), None, (Role.SUPERVISOR,)),
        "alert": Move("预警", tuple(WITH_DEPARTMENT), None, (SYSTEM,)),
    },
    labels=_labels(S),
    sets={
        "OPEN": OPEN,
        "CLOSED": CLOSED,
        "AWAITING_DISPATCH": AWAITING_DISPATCH,
        "WITH_DEPARTMENT": WITH_DEPARTMENT,
        "AWAITING_CALLBACK": AWAITING_CALLBACK,
        "ANSWER_GIVEN": ANSWER_GIVEN,
    },
)

DISPATCH = Workflow(
    noun="该派单",
    moves={
        "sign": Move("签收", (D.PENDING,), D.SIGNED, (HANDLER,)),
        "send_back": Move("退单", tuple(DISPATCH_OPEN), D.SENT_BACK, (HANDLER,)),
        "reply": Move("答复", (D.SIGNED,), D.REPLIED, (HANDLER,)),
        "extend": Move("申请延期", (D.SIGNED,), None, (HANDLER,)),  # the lead's only
        "withdraw": Move("撤回", tuple(DISPATCH_OPEN), D.WITHDRAWN, (OPERATOR,)),
    },
    labels=_labels(D),
    sets={"OPEN": DISPATCH_OPEN},
)


# 延期: the lead department asks, the centre decides once.
EXTENSION = Workflow(
    noun="延期申请",
    moves={
        "approve": Move("批准延期", (X.PENDING,), X.APPROVED, (OPERATOR,)),
        "refuse": Move("不予批准", (X.PENDING,), X.REFUSED, (OPERATOR,)),
    },
    labels=_labels(X),
)

ESCALATION_OPEN = states(E.WAITING, E.INSTRUCTED)

# 督办: a leader instructs, the named officer follows it up and finishes it.
ESCALATION = Workflow(
    noun="督办件",
    moves={
        "instruct": Move("批示", (E.WAITING,), E.INSTRUCTED, (LEADER,)),
        "follow": Move("记录督办情况", (E.INSTRUCTED,), None, (Role.SUPERVISOR,)),
        "finish": Move("结束督办", (E.INSTRUCTED,), E.FINISHED, (Role.SUPERVISOR,)),
    },
    labels=_labels(E),
    sets={"OPEN": ESCALATION_OPEN},
)


def check(workflow: Workflow, state: str, move: str, refusal: str = "") -> Move:
    """`workflow.check`, with the refusal told in the move's own words when given."""
    if refusal and not workflow.allowed_from(move, state):
        raise TransitionError(refusal)
    return workflow.check(state, move)


def ticket_is_open(state: str) -> bool:
    return state in OPEN


def dispatch_is_open(state: str) -> bool:
    return state in DISPATCH_OPEN


def advance(workflow: Workflow, state: str, move: str, refusal: str = "") -> str:
    """The state a move leads to from `state` (checked as `check` does)."""
    target = check(workflow, state, move, refusal).target
    if target is None:
        raise ValueError(f"{workflow.noun}: move {move} has no single target state")
    return target
