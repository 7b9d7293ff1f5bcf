"""Rules of the hotline without side effects: deadlines, duplicates, what makes a ticket major."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from onestop.hotline.models import DeadlineRule, Kind, Urgency
from onestop.hotline.text import simplified
from onestop.workdays import queries as workdays

SEND_BACK_DAYS = 2  # a department may send a ticket back within 2 working days of dispatch
FALLBACK = (5, DeadlineRule.Unit.WORKDAYS, 24)

# Used when the table has no row for a type: the defaults the migration also writes.
DEFAULT_RULES: list[tuple[str, str, int, str, int]] = [
    ("", Urgency.URGENT, 2, DeadlineRule.Unit.HOURS, 1),
    (Kind.CONSULT, "", 3, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.HELP, "", 3, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.COMPLAINT, "", 5, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.SUGGESTION, "", 10, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.REPORT, "", 10, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.PRAISE, "", 5, DeadlineRule.Unit.WORKDAYS, 24),
]


@dataclass(frozen=True)
class Deadlines:
    sign_due_at: datetime
    send_back_due_at: datetime
    due_at: datetime
    label: str  # "2 小时" / "5 个工作日"


def find_rule(kind: str, urgency: str) -> tuple[int, str, int]:
    """(amount, unit, sign hours) of the most specific rule for a type and urgency."""
    rows = {
        (r.kind, r.urgency): (r.amount, r.unit, r.sign_hours)
        for r in DeadlineRule.objects.filter(kind__in=[kind, ""], urgency__in=[urgency, ""])
    }
    for wanted in ((kind, urgency), ("", urgency), (kind, ""), ("", "")):
        if wanted in rows:
            return rows[wanted]
    return FALLBACK


def deadlines(kind: str, urgency: str, now: datetime, extra_days: int = 0) -> Deadlines:
    amount, unit, sign_hours = find_rule(kind, urgency)
    if unit == DeadlineRule.Unit.HOURS:
        due = now + timedelta(hours=amount)
        label = f"{amount} 小时"
    else:
        due = workdays.due_at(now, amount + extra_days)
        label = f"{amount} 个工作日"
    sign_due = min(now + timedelta(hours=sign_hours), due)
    return Deadlines(sign_due, workdays.due_at(now, SEND_BACK_DAYS), due, label)


# --- duplicates and similar tickets ------------------------------------------------------------

_NOISE = re.compile(r"[\s\d\W_]+")


def bigrams(text: str) -> set[str]:
    clean = _NOISE.sub("", simplified(text))
    return {clean[i : i + 2] for i in range(len(clean) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character bigrams of two texts (0 … 1)."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def duplicate_threshold() -> float:
    return float(getattr(settings, "HOTLINE_DUPLICATE_SIMILARITY", 0.25))


# --- major tickets (督办) -----------------------------------------------------------------------

DEFAULT_MAJOR_KEYWORDS = (
    "群体",
    "聚集",
    "上访",
    "死亡",
    "坍塌",
    "爆炸",
    "火灾",
    "中毒",
    "跳楼",
    "讨薪",
    "欠薪",
    "贪污",
    "受贿",
    "危房",
)


def major_kinds() -> list[str]:
    return list(getattr(settings, "HOTLINE_MAJOR_KINDS", [Kind.REPORT]))


def major_keywords() -> list[str]:
    return list(getattr(settings, "HOTLINE_MAJOR_KEYWORDS", DEFAULT_MAJOR_KEYWORDS))


def major_similar_count() -> int:
    return int(getattr(settings, "HOTLINE_MAJOR_SIMILAR", 3))


def major_reason(kind: str, text: str, similar_open: int) -> str:
    """Why a ticket is major, or "" when it is not."""
    if kind in major_kinds():
        return f"{Kind(kind).label}类诉求"
    plain = simplified(text)
    hits = [k for k in major_keywords() if k and k in plain]
    if hits:
        return "涉及关键词：" + "、".join(hits)
    if similar_open + 1 >= major_similar_count():
        return f"同一地点同类诉求已有 {similar_open + 1} 件"
    return ""
