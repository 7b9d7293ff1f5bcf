"""Chinese text helpers shared by the router and the knowledge base: traditional → simplified
(OpenCC's t2s tables), jieba words, and search terms."""

from __future__ import annotations

import re

from onestop.lib.zh import STOPWORDS, search_words, simplified
from onestop.lib.zh import WORD as _TERM
from onestop.lib.zh import jieba_module as _jieba

__all__ = ["STOPWORDS", "simplified"]


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
    words = [w for w in search_words(query) if w not in STOPWORDS and len(w) >= min_len]
    return words[:limit]


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
