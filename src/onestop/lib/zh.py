"""Chinese text for search: traditional → simplified (OpenCC's t2s tables), jieba words,
stopwords. Shared by the catalog's guide search and the hotline's router and knowledge base."""

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
WORD = re.compile(r"[\w]+")


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
def jieba_module() -> object:
    """jieba, initialised once (its dictionary loads in about a second)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _lock:
        jieba.initialize()
    return jieba


def search_words(text: str) -> list[str]:
    """Search-mode jieba words of the simplified, lower-cased text, in order, without
    punctuation or repeats (stopwords kept: the caller decides)."""
    jieba = jieba_module()
    seen: dict[str, None] = {}
    for w in jieba.cut_for_search(simplified(text).lower()):  # type: ignore[attr-defined]
        if WORD.fullmatch(w):
            seen.setdefault(w, None)
    return list(seen)
