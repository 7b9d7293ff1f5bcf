"""The case's lifecycle (办件): its moves and named state sets, on the kernel's `Workflow`.

Each move names the states it may start from, the state it leads to (None: the state does not
change, or depends on the outcome) and the roles allowed to make it. Applicants and agents act
on their own cases; staff act within their department and region (`cases.permissions`).
The named sets say once what a word means for a case; the app uses them instead of tuples.
"""

from __future__ import annotations

from typing import cast

from onestop.cases.models import Case
from onestop.core.workflow import Move, Workflow, states
from onestop.org.models import Role

__all__ = ["AGENT", "APPLICANT", "MOVES", "Move", "WORKFLOW", "allowed_from", "moves_from"]

S = Case.Status

# Who may act: staff roles, or one of these non-staff actors.
APPLICANT = "applicant"  # the case's own applicant
AGENT = "agent"  # the community agent who filed the case

# Received, not yet accepted: the window still checks and edits the materials.
AT_WINDOW = states(S.DRAFT, S.SUBMITTED, S.SUPPLEMENT_REQUESTED)
# Accepted, not yet decided: the legal clock runs.
CLOCK_RUNNING = states(Case.CLOCK_RUNNING)
# Anything before a decision, the clock stopped or not: the applicant may still withdraw.
OPEN_BEFORE_DECISION = states(AT_WINDOW, CLOCK_RUNNING, S.SUSPENDED)
# Granted or refused, not yet completed.
DECIDED = states(S.GRANTED, S.REFUSED)
# Nothing more happens.
CLOSED = states(Case.CLOSED)

# Tuples of the sets in the status order, for the moves' sources (messages stay stable).
_ORDER = list(S.values)


def _sources(*groups: str | frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(states(*groups), key=_ORDER.index))


MOVES: dict[str, Move] = {
    "submit": Move("提交申请", (S.DRAFT,), S.SUBMITTED, (APPLICANT, AGENT, Role.CLERK)),
    "request_supplement": Move(
        "一次性告知补正", (S.SUBMITTED,), S.SUPPLEMENT_REQUESTED, (Role.CLERK,)
    ),
    "supply": Move(
        "补正材料", (S.SUPPLEMENT_REQUESTED,), S.SUBMITTED, (APPLICANT, AGENT, Role.CLERK)
    ),
    "accept": Move("受理", (S.DRAFT, S.SUBMITTED), S.ACCEPTED, (Role.CLERK,)),
    "deem_accepted": Move("逾期未告知补正，视为受理", (S.SUBMITTED,), S.ACCEPTED, ()),
    "not_accept": Move("不予受理", _sources(AT_WINDOW), S.NOT_ACCEPTED, (Role.CLERK,)),
    "handle_instant": Move("即办办结", (S.DRAFT, S.SUBMITTED), S.COMPLETED, (Role.CLERK,)),
    "start_review": Move("开始审核", (S.ACCEPTED,), S.UNDER_REVIEW, (Role.REVIEWER,)),
    "give_opinion": Move("出具会签意见", _sources(CLOCK_RUNNING), None, (Role.REVIEWER,)),
    "submit_review": Move(
        "提交审核意见", (S.ACCEPTED, S.UNDER_REVIEW), S.UNDER_DECISION, (Role.REVIEWER,)
    ),
    "decide": Move("作出决定", (S.UNDER_DECISION,), None, (Role.APPROVER,)),
    "request_extension": Move(
        "申请延期",
        _sources(CLOCK_RUNNING),
        None,
        (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD),
    ),
    "decide_extension": Move("审批延期", _sources(CLOCK_RUNNING), None, (Role.DEPARTMENT_HEAD,)),
    "suspend": Move(
        "中止计时",
        _sources(CLOCK_RUNNING),
        S.SUSPENDED,
        (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD),
    ),
    "resume": Move(
        "恢复计时", (S.SUSPENDED,), None, (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD)
    ),
    "supply_tolerated": Move(
        "补交容缺材料",
        _sources(CLOCK_RUNNING, S.SUSPENDED, S.GRANTED),
        None,
        (APPLICANT, AGENT, Role.CLERK),
    ),
    "issue_certificate": Move("制发证照", (S.GRANTED,), None, (Role.CLERK, Role.APPROVER)),
    "complete": Move("办结", _sources(DECIDED), S.COMPLETED, (Role.CLERK, Role.APPROVER)),
    "deliver": Move("送达", (S.COMPLETED,), S.DELIVERED, (Role.CLERK,)),
    "withdraw": Move(
        "撤回申请", _sources(OPEN_BEFORE_DECISION), S.WITHDRAWN, (APPLICANT, AGENT, Role.CLERK)
    ),
}

WORKFLOW = Workflow(
    noun="办件",
    moves=MOVES,
    labels=cast(dict[str, str], dict(S.choices)),  # lazy labels, read when a message is made
    sets={
        "AT_WINDOW": AT_WINDOW,
        "CLOCK_RUNNING": CLOCK_RUNNING,
        "OPEN_BEFORE_DECISION": OPEN_BEFORE_DECISION,
        "DECIDED": DECIDED,
        "CLOSED": CLOSED,
    },
)


def allowed_from(move: str, status: str) -> bool:
    return WORKFLOW.allowed_from(move, status)


def moves_from(status: str) -> list[str]:
    return WORKFLOW.moves_from(status)
