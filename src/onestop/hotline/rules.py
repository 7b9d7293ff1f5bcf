"""Rules of the hotline without side effects: deadlines, duplicates, what makes a ticket major."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import translation

from onestop.hotline.models import DeadlineRule, Kind, Urgency
from onestop.hotline.text import STOPWORDS, simplified, words
from onestop.workdays import queries as workdays

SEND_BACK_DAYS = 2  # a department may send a ticket back within 2 working days of dispatch
FALLBACK = (5, DeadlineRule.Unit.WORKDAYS, 24)

# Used when the table has no row that applies: the defaults the migration also writes.
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
    defaults = {(k, u): (a, unit, h) for k, u, a, unit, h in DEFAULT_RULES}
    order = ((kind, urgency), ("", urgency), (kind, ""), ("", ""))
    for table in (rows, defaults):  # the administrator's table, else the built-in defaults
        for wanted in order:
            if wanted in table:
                return table[wanted]
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

# Words that say where, not what: two calls from one community are not the same matter.
PLACE_WORDS = frozenset(
    "社区 街道 小区 楼下 门口 附近 旁边 对面 村里 我家 家里 楼上 单元 号楼".split()
)


def place_words(names: list[str]) -> frozenset[str]:
    """PLACE_WORDS and the words of the given place names (the regions of the district)."""
    found = set(PLACE_WORDS)
    for name in names:
        found.update(words(name))
    return frozenset(found)


def content_words(text: str, ignore: frozenset[str] = frozenset()) -> set[str]:
    """The words of a text that carry its matter: jieba words without stopwords, numbers and
    the words in `ignore` (places)."""
    return {w for w in words(text) if w not in STOPWORDS and w not in ignore and not w.isdigit()}


def similarity(a: str, b: str, ignore: frozenset[str] = frozenset()) -> float:
    """Overlap of the content words of two texts (0 … 1): shared words over the shorter
    text's words, so that a short call about the same matter as a long one still matches
    ("化粪池满溢，污水流到路面" against a whole paragraph about it)."""
    x, y = content_words(a, ignore), content_words(b, ignore)
    if len(x) < 2 or len(y) < 2:
        return 0.0
    return len(x & y) / min(len(x), len(y))


def duplicate_threshold() -> float:
    return float(getattr(settings, "HOTLINE_DUPLICATE_SIMILARITY", 0.4))


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
        with translation.override("zh-hans"):
            return f"{Kind(kind).label}类诉求"
    plain = simplified(text)
    hits = [k for k in major_keywords() if k and k in plain]
    if hits:
        return "涉及关键词：" + "、".join(hits)
    if similar_open + 1 >= major_similar_count():
        return f"同一地点同类诉求已有 {similar_open + 1} 件"
    return ""
