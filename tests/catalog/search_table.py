"""The table of everyday queries residents type (search_queries.csv) and its hit rates.

Shared by tests/catalog/test_search_queries.py and bench/search.py. Each row is a query and
the item names that answer it ("|" between them): a query hits at k when one of them is among
the first k results.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TABLE = Path(__file__).with_name("search_queries.csv")


@dataclass(frozen=True)
class Query:
    text: str
    expected: frozenset[str]


@dataclass
class HitRates:
    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, list[str]]] = field(default_factory=list)  # query, its top 3
    not_first: list[tuple[str, list[str]]] = field(default_factory=list)  # in the top 3 only

    def rate(self, hits: int) -> float:
        return hits / self.total if self.total else 0.0


def queries() -> list[Query]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return [
            Query(row["query"], frozenset(row["expected"].split("|"))) for row in csv.DictReader(f)
        ]


def hit_rates(rows: Sequence[Query], search: Callable[[str], list[str]]) -> HitRates:
    """Run every query through search (query → item names, best first) and count the hits."""
    rates = HitRates()
    for q in rows:
        names = search(q.text)[:3]
        rates.total += 1
        first = bool(names[:1] and names[0] in q.expected)
        rates.top1 += first
        if q.expected.intersection(names):
            rates.top3 += 1
            if not first:
                rates.not_first.append((q.text, names))
        else:
            rates.misses.append((q.text, names))
    return rates
