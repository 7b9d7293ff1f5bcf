"""How the guide search ranks items for what a resident types (pure: no database).

Residents type what they call a thing (低保, 开饭店, 残疾证), often a whole sentence without
spaces (我想开个饭店要办什么). Each space-separated part of the query must match; a part is
matched in two passes:

1. As typed: the part occurs in an item's name, aliases, keywords, life events or search text,
   or one of the item's name, aliases or keywords occurs in the part. When any item matches so,
   only such items match the part (precise where the words are found).
2. Otherwise by its jieba words, each weighted by how rare it is among the items (办理, 申请
   tell little), so that a sentence still finds the item its rarest words name.

Within either pass a match in the name counts most, then an alias, a keyword, a life event and
last the materials, departments and legal basis (the search text).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from onestop.lib.zh import STOPWORDS, search_words, simplified

MAX_PARTS = 8
# Words of a query that name no item: what residents add around the words that do.
QUERY_STOPWORDS = STOPWORDS | frozenset(
    "办 办理 申请 怎么办 手续 流程 材料 需要 哪些 去 哪 带 带什么 多久 多少 钱 费用 "
    "在哪办 去哪办 去哪里 要办 想办 如何办 帮 帮忙 给 开个 一下子".split()
)

# Weights of the places a match is found, in pass 1 (as typed) and pass 2 (by words).
NAME, ALIAS, KEYWORD, EVENT, TEXT = "name", "alias", "keyword", "event", "text"
_WORD_WEIGHT = {NAME: 3.0, ALIAS: 2.6, KEYWORD: 2.2, EVENT: 1.2, TEXT: 0.5}


@dataclass(frozen=True)
class Entry:
    """What the search reads of one item, lower-cased."""

    pk: int
    name: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    events: tuple[str, ...] = ()  # names and keywords of the item's life events
    text: str = ""  # the stored search text: materials, departments, legal basis, category

    @classmethod
    def of(
        cls,
        pk: int,
        name: str,
        aliases: Iterable[str] = (),
        keywords: Iterable[str] = (),
        events: Iterable[str] = (),
        text: str = "",
    ) -> Entry:
        return cls(
            pk,
            normalized(name),
            tuple(normalized(a) for a in aliases if a),
            tuple(normalized(k) for k in keywords if k),
            tuple(normalized(e) for e in events if e),
            text.lower(),
        )

    def fields(self) -> Iterable[tuple[str, str]]:
        yield NAME, self.name
        for a in self.aliases:
            yield ALIAS, a
        for k in self.keywords:
            yield KEYWORD, k
        for e in self.events:
            yield EVENT, e
        yield TEXT, self.text


@lru_cache(maxsize=16384)
def normalized(text: str) -> str:
    """Simplified, lower-cased text (a query in traditional characters finds the same)."""
    return simplified(text).lower().strip()


def query_parts(query: str) -> list[str]:
    return [p for p in normalized(query).split() if p][:MAX_PARTS]


# Pass 1 scores by place: (exact, contains the part, inside the part). The bands do not
# overlap, so a name match of any kind ranks above an alias match, and so on down.
_PHRASE = {
    NAME: (100, 80, 72),
    ALIAS: (70, 60, 54),
    KEYWORD: (50, 42, 38),
    EVENT: (30, 24, 22),
}
_TEXT_SCORE = 10
_MORE_CAP = 4  # what further matches may add: less than the gap between two bands


def phrase_score(entry: Entry, part: str) -> float:
    """How well the part as typed matches the item; 0 when it does not.

    The best match counts whole; further ones add a little (at most _MORE_CAP), so that
    外地孩子在这里上学 puts the item that knows both 外地孩子 and 上学 above one that knows
    only 上学, without lifting an alias match above a name match.
    """
    found = []
    for where, value in entry.fields():
        if not value:
            continue
        if where == TEXT:
            score = float(_TEXT_SCORE) if part in value else 0.0
        elif value == part:
            score = _PHRASE[where][0]
        elif part in value:
            score = _PHRASE[where][1] + 6 * len(part) / len(value)
        elif len(value) >= 2 and value in part:
            # The item's word inside what was typed: 我想办低保 holds 低保.
            score = _PHRASE[where][2] + min(len(value), 6)
        else:
            continue
        if score:
            found.append(score)
    if not found:
        return 0.0
    found.sort(reverse=True)
    return found[0] + min(sum(found[1:]) / 4, _MORE_CAP)


def query_words(part: str) -> list[str]:
    """The words of a part worth matching one by one."""
    words = [w for w in search_words(part) if w not in QUERY_STOPWORDS]
    return [w for w in words if len(w) >= 2] or words


def word_scores(entries: Sequence[Entry], part: str) -> dict[int, float]:
    """Pass 2: each word scores by where it is found, weighted by its rarity among the items."""
    words = query_words(part)
    scores: dict[int, float] = {}
    if not words:
        return scores
    total = len(entries)
    for word in words:
        places = [_where_word(e, word) for e in entries]
        df = sum(1 for p in places if p)
        if not df:
            continue
        rarity = math.log(1 + total / df)
        for entry, place in zip(entries, places, strict=True):
            if place:
                scores[entry.pk] = scores.get(entry.pk, 0.0) + _WORD_WEIGHT[place] * rarity
    return scores


def _where_word(entry: Entry, word: str) -> str | None:
    """The best place the word occurs in the item (fields come best first)."""
    for where, value in entry.fields():
        if word in value:
            return where
    return None


def rank(entries: Sequence[Entry], query: str) -> list[int]:
    """The pks of the items that match every part of the query, best first."""
    parts = query_parts(query)
    if not parts:
        return [e.pk for e in entries]
    totals = {e.pk: 0.0 for e in entries}
    for part in parts:
        scores = {e.pk: s for e in entries if (s := phrase_score(e, part)) > 0}
        if not scores:
            scores = word_scores(entries, part)
        totals = {pk: totals[pk] + s for pk, s in scores.items() if pk in totals}
        if not totals:
            return []
    names = {e.pk: e.name for e in entries}
    return sorted(totals, key=lambda pk: (-totals[pk], len(names[pk]), names[pk], pk))
