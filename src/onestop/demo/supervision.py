"""The demo's card rules (自动亮牌规则), as a district supervision office would set them."""

from __future__ import annotations

from datetime import datetime

from onestop.supervision.models import CardRule, Violation

T, Target = CardRule.Trigger, CardRule.Target
RULES = [
    {
        "name": "审批环节红灯超期，对经办人亮黄牌",
        "trigger": T.RED_LIGHT,
        "colour": "yellow",
        "target": Target.HANDLER,
        "rectify_days": 3,
    },
    {
        "name": "超过法定时限未作出决定，对部门亮红牌",
        "trigger": T.VIOLATION,
        "violation_kind": Violation.Kind.OVERDUE_DECISION,
        "colour": "red",
        "target": Target.DEPARTMENT,
        "rectify_days": 5,
    },
    {
        "name": "二次要求补正材料，对部门亮红牌",
        "trigger": T.VIOLATION,
        "violation_kind": Violation.Kind.SECOND_SUPPLEMENT,
        "colour": "red",
        "target": Target.DEPARTMENT,
        "rectify_days": 5,
    },
    {
        "name": "同一部门当月累计三张黄牌，升级为红牌",
        "trigger": T.REPEAT,
        "threshold": 3,
        "colour": "red",
        "target": Target.DEPARTMENT,
        "rectify_days": 5,
    },
]


def load_demo_rules(*, now: datetime) -> int:
    """Create the rules that are missing (by name); returns how many were created."""
    created = 0
    for values in RULES:
        _rule, made = CardRule.objects.get_or_create(
            name=values["name"], defaults={**values, "since": now}
        )
        created += made
    return created
