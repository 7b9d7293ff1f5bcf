"""Chinese text helpers shared by the router and the knowledge base: traditional → simplified
(OpenCC's t2s tables), jieba words, and search terms."""

from __future__ import annotations

import logging
import re
import threading
from functools import cache

_lock = threading.Lock()

# Words too common in callers' speech to tell one article from another.
STOPWORDS = frozenset(
    "的 了 是 我 你 他 她 在 有 和 与 及 或 就 都 也 还 要 吗 呢 吧 啊 呀 么 这 那 个 请 问 请问 "
    "怎么 怎样 如何 什么 哪里 哪儿 可以 能 能否 是否 需要 一下 一个 我们 你们 他们 现在 已经 "
    "因为 所以 但是 没有 不 没 想 想要 咨询 反映 希望 谢谢 您好 你好".split()
)
_TERM = re.compile(r"[\w]+")


@cache
def _converter() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def simplified(text: str) -> str:
    """The text in simplified characters (traditional ones converted; others unchanged)."""
    if not text:
        return ""
    return str(_converter().convert(text))  # type: ignore[attr-defined]


@cache
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _lock:
        jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """jieba words of the simplified, lower-cased text (punctuation and spaces dropped)."""
    return raw_words(simplified(text))


def raw_words(text: str) -> list[str]:
    """jieba words of the text as written (no traditional → simplified step)."""
    jieba = _jieba()
    return [w for w in jieba.lcut(text.lower()) if _TERM.fullmatch(w)]  # type: ignore[attr-defined]


def search_terms(query: str, limit: int = 12, *, min_len: int = 1) -> list[str]:
    """The words of a search query worth matching: search-mode jieba words, no stopwords
    (and none shorter than min_len)."""
    jieba = _jieba()
    seen: dict[str, None] = {}
    for w in jieba.cut_for_search(simplified(query).lower()):  # type: ignore[attr-defined]
        if _TERM.fullmatch(w) and w not in STOPWORDS and len(w) >= min_len:
            seen.setdefault(w, None)
    return list(seen)[:limit]


def index_words(*parts: str) -> str:
    """The padded, space-separated word string stored for LIKE matching: " a b c "."""
    jieba = _jieba()
    found: dict[str, None] = {}
    for part in parts:
        for w in jieba.cut_for_search(simplified(part).lower()):  # type: ignore[attr-defined]
            if _TERM.fullmatch(w):
                found.setdefault(w, None)
    return " " + " ".join(found) + " "


def parse_keywords(value: str) -> tuple[tuple[str, ...], ...]:
    """ "食物中毒、学校+拉肚子" → (("食物中毒",), ("学校", "拉肚子")): alternatives are
    separated by 、，, ; or spaces, the parts of one by +."""
    out = []
    for alt in re.split(r"[、，,;；\s]+", simplified(value).lower()):
        parts = tuple(p.strip() for p in alt.split("+") if p.strip())
        if parts:
            out.append(parts)
    return tuple(out)
