"""RFC 3797 publicly verifiable random selection (framework-free).

The key string is built from the public random sources (§4): each source's values are
canonicalised, sorted and each followed by "."; each source ends with "/". For the i-th
selection (i = 0, 1, …) MD5 is taken over the two-byte big-endian i, the key string and the
two-byte i again; the digest read as an unsigned 128-bit integer modulo the number of entries
still in the pool picks (0-based) the next entry, which then leaves the pool. Continuing i
past the first selections draws replacements from the same sequence.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

_INT = re.compile(r"^\d+$")


def canonical_source(values: Sequence[str]) -> str:
    """One source as it enters the key string: numbers sorted numerically without leading
    zeros; text values (e.g. a beacon's hex output) upper-cased and sorted as strings."""
    tokens = [v.strip() for v in values if v.strip()]
    if not tokens:
        raise ValueError("随机源不能为空")
    if all(_INT.match(t) for t in tokens):
        return "".join(f"{n}." for n in sorted(int(t) for t in tokens)) + "/"
    if any("." in t or "/" in t or not t.isascii() for t in tokens):
        raise ValueError("随机源的文字取值只能是字母和数字，不能包含“.”或“/”")
    return "".join(f"{t}." for t in sorted(t.upper() for t in tokens)) + "/"


def parse_source(text: str) -> list[str]:
    """Values of one source as typed: separated by commas, spaces or Chinese commas."""
    return [t for t in re.split(r"[\s,，、;；]+", text) if t]


def key_string(sources: Sequence[Sequence[str]]) -> str:
    if not sources:
        raise ValueError("至少需要一个随机源")
    return "".join(canonical_source(s) for s in sources)


def sequence(pool_size: int, count: int, key: str) -> list[int]:
    """1-based positions of the first `count` selections from a pool of `pool_size`."""
    if count > pool_size:
        raise ValueError(f"候选名单只有 {pool_size} 个，不能抽取 {count} 个")
    if count > 0xFFFF:
        raise ValueError("一次最多抽取 65535 个")
    remaining = list(range(1, pool_size + 1))
    key_bytes = key.encode("ascii")
    chosen = []
    for i in range(count):
        counter = i.to_bytes(2, "big")
        digest = hashlib.md5(counter + key_bytes + counter, usedforsecurity=False).digest()
        chosen.append(remaining.pop(int.from_bytes(digest, "big") % len(remaining)))
    return chosen


def list_digest(entries: Sequence[str]) -> str:
    """SHA-256 of the frozen list: its entries in canonical order, one per line (UTF-8)."""
    return hashlib.sha256("".join(f"{e}\n" for e in entries).encode("utf-8")).hexdigest()
