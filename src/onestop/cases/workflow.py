"""The table of allowed moves, next to the model it governs (STYLE §3).

Each move names the states it may start from, the state it leads to (None: the state does not
change, or depends on the outcome) and the roles allowed to make it. Applicants and agents act
on their own cases; staff act within their department and region.
"""

from __future__ import annotations

from dataclasses import dataclass

from onestop.cases.models import Case
from onestop.org.models import Role

S = Case.Status

# Who may act: staff roles, or one of these non-staff actors.
APPLICANT = "applicant"  # the case's own applicant
AGENT = "agent"  # the community agent who filed the case


@dataclass(frozen=True)
class Move:
    label: str  # Chinese, for messages and buttons
    sources: tuple[str, ...]
    target: str | None
    actors: tuple[str, ...]


OPEN_BEFORE_DECISION = (
    S.DRAFT,
    S.SUBMITTED,
    S.SUPPLEMENT_REQUESTED,
    S.ACCEPTED,
    S.UNDER_REVIEW,
    S.UNDER_DECISION,
    S.SUSPENDED,
)

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
    "not_accept": Move(
        "不予受理", (S.DRAFT, S.SUBMITTED, S.SUPPLEMENT_REQUESTED), S.NOT_ACCEPTED, (Role.CLERK,)
    ),
    "handle_instant": Move("即办办结", (S.DRAFT, S.SUBMITTED), S.COMPLETED, (Role.CLERK,)),
    "start_review": Move("开始审核", (S.ACCEPTED,), S.UNDER_REVIEW, (Role.REVIEWER,)),
    "give_opinion": Move(
        "出具会签意见", (S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_DECISION), None, (Role.REVIEWER,)
    ),
    "submit_review": Move(
        "提交审核意见", (S.ACCEPTED, S.UNDER_REVIEW), S.UNDER_DECISION, (Role.REVIEWER,)
    ),
    "decide": Move("作出决定", (S.UNDER_DECISION,), None, (Role.APPROVER,)),
    "request_extension": Move(
        "申请延期",
        (S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_DECISION),
        None,
        (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD),
    ),
    "decide_extension": Move(
        "审批延期", (S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_DECISION), None, (Role.DEPARTMENT_HEAD,)
    ),
    "suspend": Move(
        "中止计时",
        (S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_DECISION),
        S.SUSPENDED,
        (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD),
    ),
    "resume": Move(
        "恢复计时", (S.SUSPENDED,), None, (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD)
    ),
    "supply_tolerated": Move(
        "补交容缺材料",
        (S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_DECISION, S.SUSPENDED, S.GRANTED),
        None,
        (APPLICANT, AGENT, Role.CLERK),
    ),
    "issue_certificate": Move("制发证照", (S.GRANTED,), None, (Role.CLERK, Role.APPROVER)),
    "complete": Move("办结", (S.GRANTED, S.REFUSED), S.COMPLETED, (Role.CLERK, Role.APPROVER)),
    "deliver": Move("送达", (S.COMPLETED,), S.DELIVERED, (Role.CLERK,)),
    "withdraw": Move("撤回申请", OPEN_BEFORE_DECISION, S.WITHDRAWN, (APPLICANT, AGENT, Role.CLERK)),
}


def allowed_from(move: str, status: str) -> bool:
    return status in MOVES[move].sources


def moves_from(status: str) -> list[str]:
    return [name for name, move in MOVES.items() if status in move.sources]
