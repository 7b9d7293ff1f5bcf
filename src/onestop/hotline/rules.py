"""Rules of the hotline that read no database and write nothing: what a new ticket needs, when
two tickets are the same matter, what makes a ticket major, what the hotline is called. The
deadline table is `hotline.deadlines`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from onestop.hotline.errors import HotlineError, required_text
from onestop.hotline.models import Kind, Ticket, Urgency
from onestop.hotline.text import STOPWORDS, simplified, words
from onestop.org.models import Region

_PHONE = re.compile(r"^[0-9+\-]{5,20}$")


# --- a new ticket -----------------------------------------------------------------------------


@dataclass
class NewTicket:
    """What a call, a portal message or an Open311 request brings."""

    kind: str
    content: str
    channel: str = Ticket.Channel.PHONE
    title: str = ""
    urgency: str = Urgency.NORMAL
    caller_name: str = ""
    caller_phone: str = ""
    anonymous: bool = False
    address: str = ""
    region: Region | None = None
    lat: float | None = None
    long: float | None = None
    attachments: Sequence[object] = field(default_factory=list)


def check_new_ticket(data: NewTicket) -> None:
    if data.kind not in Kind.values:
        raise HotlineError("请选择诉求类型（咨询、求助、投诉、建议、举报、表扬）", field="kind")
    if data.urgency not in Urgency.values:
        raise HotlineError("紧急程度应为一般或紧急", field="urgency")
    if data.channel not in Ticket.Channel.values:
        raise HotlineError("无效的来源渠道", field="channel")
    required_text(data.content, "content", "诉求内容", limit=4000)
    phone = data.caller_phone.strip()
    if phone and not _PHONE.match(phone):
        raise HotlineError("联系电话格式不正确", field="caller_phone")
    if not data.anonymous and not phone:
        raise HotlineError(
            "实名诉求请留下联系电话，以便答复和回访；也可选择匿名", field="caller_phone"
        )
    if len(data.caller_name) > 50:
        raise HotlineError("姓名不能超过 50 个字", field="caller_name")
    if len(data.address) > 200:
        raise HotlineError("地址不能超过 200 个字", field="address")
    for value, name, lo, hi in ((data.lat, "lat", -90, 90), (data.long, "long", -180, 180)):
        if value is not None and not lo <= value <= hi:
            raise HotlineError("经纬度超出范围", field=name)


def title_of(data: NewTicket) -> str:
    """The given title, else the first sentence of the content (cut at 30 characters)."""
    if data.title.strip():
        return data.title.strip()[:100]
    first = re.split(r"[。！？!?\n]", data.content.strip(), maxsplit=1)[0]
    return (first[:30] + ("…" if len(first) > 30 else "")) or zh(Kind(data.kind).label)


def zh(text: object) -> str:
    """A lazy label as Chinese, whatever language the request runs in (records and SMS)."""
    with translation.override("zh-hans"):
        return str(text)


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


def hotline_sign() -> str:
    """The hotline's name in SMS signatures and callback scripts: the deployment's place name
    (ONESTOP_PLACE_NAME, empty by default) before 12345. No place is named in code."""
    return f"{settings.ONESTOP_PLACE_NAME}12345"


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
