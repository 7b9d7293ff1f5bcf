"""The tables of allowed moves of a trading project, a bid and a complaint (STYLE §3).

Each move names the states it may start from and the state it leads to (None: the state does
not change, or depends on the outcome: an opening fails the tender when too few bids came).
The named sets say once what "open", "closed" and "public" mean for each lifecycle.
"""

from __future__ import annotations

from typing import cast

from onestop.core.workflow import Move, Workflow, states
from onestop.org.models import Role
from onestop.trading.models import Bid, Complaint, Project

S = Project.Status
B = Bid.Status
C = Complaint.Status
OFFICER = (Role.TRADING_OFFICER,)
BIDDER = "bidder"  # an enterprise acting for itself
SUPERVISING = (Role.TRADING_OFFICER, Role.SUPERVISOR)

CLOSED = states(S.CONTRACTED, S.FAILED, S.CANCELLED)
OPEN = states(s for s in S.values if s not in CLOSED)
# Not yet announced: only the trading centre knows of these.
UNPUBLISHED = states(S.DRAFT, S.REVIEW)
PUBLIC = states(s for s in S.values if s not in UNPUBLISHED)
BEFORE_DEADLINE = states(S.DRAFT, S.REVIEW, S.TENDERING)
# The committee is drawn once the bidders are known and serves until its report is public.
COMMITTEE = states(S.TENDERING, S.EVALUATING)
# Closed without an award (OCDS publishes these as unsuccessful or cancelled tenders).
UNAWARDED = states(S.FAILED, S.CANCELLED)
# The evaluation result is out: a complaint about it needs an objection first.
RESULT_OUT = states(S.PUBLICITY, S.AWARDED)

PROJECT = Workflow(
    "项目",
    {
        "submit": Move("提交复核", (S.DRAFT,), S.REVIEW, OFFICER),
        "announce": Move("复核通过并发布公告", (S.REVIEW,), S.TENDERING, OFFICER),
        "clarify": Move("澄清或修改招标文件", (S.TENDERING,), None, OFFICER),
        "cancel": Move("终止项目", tuple(BEFORE_DEADLINE), S.CANCELLED, OFFICER),
        "bid": Move("投标", (S.TENDERING,), None, (BIDDER,)),
        "withdraw_bid": Move("撤回投标", (S.TENDERING,), None, (BIDDER,)),
        "present_share": Move("提交密钥份额", (S.TENDERING,), None, OFFICER),
        "open": Move("开标", (S.TENDERING,), None, OFFICER),
        "freeze_committee": Move("冻结专家抽取名单", tuple(COMMITTEE), None, OFFICER),
        "draw_committee": Move("抽取评标专家", tuple(COMMITTEE), None, OFFICER),
        "replace_expert": Move("补抽评标专家", tuple(COMMITTEE), None, OFFICER),
        "report": Move("提交评标报告", (S.EVALUATING,), None, OFFICER),
        "publish": Move("公示中标候选人", (S.EVALUATING,), S.PUBLICITY, OFFICER),
        "object": Move("提出异议", (S.PUBLICITY,), None, (BIDDER,)),
        "award": Move("定标", (S.PUBLICITY,), S.AWARDED, OFFICER),
        "contract": Move("合同备案", (S.AWARDED,), S.CONTRACTED, OFFICER),
        # A complaint accepted with an order to stop suspends whatever is still running.
        "suspend": Move(
            "责令暂停", tuple(s for s in OPEN if s != S.SUSPENDED), S.SUSPENDED, SUPERVISING
        ),
        "resume": Move("恢复", (S.SUSPENDED,), None, SUPERVISING),
    },
    labels={s.value: cast(str, s.label) for s in S},
    sets={
        "OPEN": OPEN,
        "CLOSED": CLOSED,
        "PUBLIC": PUBLIC,
        "RESULT_OUT": RESULT_OUT,
        "UNAWARDED": UNAWARDED,
    },
)

# Bids that count: everything but a bid its bidder withdrew or replaced.
LIVE_BIDS = states(B.SEALED, B.OPENED, B.REJECTED)
OPENED_BIDS = states(B.OPENED, B.REJECTED)

BID = Workflow(
    "投标",
    {
        # A second bid of the same bidder before the deadline replaces the first.
        "replace": Move("重新投标", (B.SEALED,), B.WITHDRAWN, (BIDDER,)),
        "withdraw": Move("撤回投标", (B.SEALED,), B.WITHDRAWN, (BIDDER,)),
        "open": Move("开标", (B.SEALED,), None, OFFICER),  # opened, or rejected if tampered
        "score": Move("评审", (B.OPENED,), None, OFFICER),  # scored, or rejected with reasons
    },
    labels={s.value: cast(str, s.label) for s in B},
    sets={"LIVE": LIVE_BIDS, "OPENED": OPENED_BIDS},
)

COMPLAINT = Workflow(
    "投诉",
    {
        "accept": Move("受理", (C.FILED,), C.ACCEPTED, SUPERVISING),
        "reject": Move("不予受理", (C.FILED,), C.REJECTED, SUPERVISING),
        "decide": Move("作出处理决定", (C.ACCEPTED,), C.DECIDED, SUPERVISING),
    },
    labels={s.value: cast(str, s.label) for s in C},
    sets={"OPEN": states(C.FILED, C.ACCEPTED), "CLOSED": states(C.DECIDED, C.REJECTED)},
)
