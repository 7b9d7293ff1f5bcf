"""The tables of allowed moves of an intermediary's listing and of an owner's need (采购需求)."""

from __future__ import annotations

from typing import cast

from onestop.core.workflow import Move, Workflow, states
from onestop.intermediaries.models import Intermediary, Need
from onestop.org.models import Role

IS = Intermediary.Status
N = Need.Status
OFFICER = (Role.TRADING_OFFICER,)
OWNER = "owner"  # the owner who posted the need, never a department
AGENCY = "intermediary"  # a listed intermediary, for itself

INTERMEDIARY = Workflow(
    "中介机构",
    {
        "verify": Move("审核入驻", (IS.PENDING,), None, OFFICER),  # verified or rejected
        "suspend": Move("暂停服务", (IS.PENDING, IS.VERIFIED, IS.REJECTED), IS.SUSPENDED),
    },
    labels={s.value: cast(str, s.label) for s in IS},
    # LISTED: selectable for a need; PUBLIC: has a public profile (its past work stays visible).
    sets={"LISTED": states(IS.VERIFIED), "PUBLIC": states(IS.VERIFIED, IS.SUSPENDED)},
)

NEED = Workflow(
    "需求",
    {
        "choose_direct": Move("直接选取", (N.OPEN,), N.SELECTED, (OWNER,)),
        "quote": Move("报价", (N.OPEN,), None, (AGENCY,)),
        "choose_lowest": Move("最低价选取", (N.OPEN,), N.SELECTED, (OWNER,)),
        "freeze_draw": Move("冻结抽取名单", (N.OPEN,), None, (OWNER,)),
        "perform_draw": Move("随机抽取", (N.OPEN,), N.SELECTED, (OWNER,)),
        "contract": Move("合同备案", (N.SELECTED,), N.CONTRACTED, (OWNER,)),
        "deliver": Move("确认交付", (N.CONTRACTED,), N.DELIVERED, (OWNER,)),
        "rate": Move("评价", (N.DELIVERED,), N.RATED, (OWNER,)),
    },
    labels={s.value: cast(str, s.label) for s in N},
    sets={
        "OPEN": states(N.OPEN),
        "CLOSED": states(N.RATED, N.CANCELLED),
        "PUBLIC": states(s for s in N.values if s != N.CANCELLED),
    },
)
