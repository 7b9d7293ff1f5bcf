"""RFC 3797 publicly verifiable random selection (framework-free).

This file is also the published verification script: anyone can download it from the draw's
public page and run `python verify_draw.py DRAW.json` (or the JSON's address) with nothing but
Python 3.11 to re-run a draw from its published record and get 核验通过 (PASS) or 核验未通过 (FAIL).

The key string is built from the public random sources (§4): each source's values are
canonicalised, sorted and each followed by "."; each source ends with "/". For the i-th
selection (i = 0, 1, …) MD5 is taken over the two-byte big-endian i, the key string and the
two-byte i again; the digest read as an unsigned 128-bit integer modulo the number of entries
still in the pool picks (0-based) the next entry, which then leaves the pool. Continuing i
past the first selections draws replacements from the same sequence.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
    """Values of one source as typed: separated by commas, spaces or Chinese commas.

    A source whose digits are ordered (福彩3D 3-7-1 is not 1-3-7) is typed as one number, 371:
    a single number keeps its digits' order, where separate numbers are sorted.
    """
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


def commitment(salt: str, label: str) -> str:
    """What a masked list publishes for a name: SHA-256 of "salt|name" (UTF-8)."""
    return hashlib.sha256(f"{salt}|{label}".encode()).hexdigest()


@dataclass
class Check:
    """The outcome of re-running a published draw record."""

    drawn: bool
    list_ok: bool
    key: str = ""
    expected: list[int] = field(default_factory=list)
    stored: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.drawn and not self.problems


def _when(record: Mapping[str, Any], name: str) -> datetime | None:
    text = record.get(name)
    return datetime.fromisoformat(text) if text else None


def _check_times(record: Mapping[str, Any], problems: list[str]) -> None:
    """The list was frozen before the randomness existed, and drawn once it did."""
    frozen, draw_at, drawn = (_when(record, n) for n in ("frozen_at", "draw_at", "drawn_at"))
    if frozen is None or draw_at is None or frozen >= draw_at:
        problems.append("名单冻结时间不早于公布的抽取时间：随机源可能先于名单产生")
    if drawn is not None and draw_at is not None and drawn < draw_at:
        problems.append("抽取早于公布的抽取时间：当时随机源尚未产生")


def _check_names(record: Mapping[str, Any], problems: list[str]) -> None:
    """Names, once published ({position, name} pairs), match the frozen entries: the entry
    itself for an open list, its commitment sha256(salt|name) for a masked one."""
    entries, salt = list(record["entries"]), record.get("salt") or ""
    for pair in record.get("names") or []:
        position, name = int(pair["position"]), str(pair["name"])
        entry = entries[position - 1] if 1 <= position <= len(entries) else None
        expected = commitment(salt, name) if record.get("masked") else name
        if entry != expected:
            problems.append(f"公开的名称“{name}”与冻结名单第 {position} 项不符")


def verify_record(record: Mapping[str, Any]) -> Check:
    """Re-run a draw from its published record.

    1. The SHA-256 of the frozen list equals the published hash.
    2. The list was frozen before the announced draw time, and drawn at or after it.
    3. The key string rebuilt from the published random sources equals the stored one.
    4. RFC 3797 selections re-run from that key equal the stored picks, in sequence order.
    5. Published names match the list (or, for a masked list, its commitments).
    """
    entries = list(record["entries"])
    check = Check(drawn=record.get("status") == "drawn", list_ok=False)
    check.list_ok = list_digest(entries) == record["list_sha256"]
    if not check.list_ok:
        check.problems.append("冻结名单的 SHA-256 与公布的不符")
    _check_times(record, check.problems)
    picks = sorted(record.get("picks") or [], key=lambda p: int(p["seq"]))
    check.stored = [int(p["position"]) for p in picks]
    if not check.drawn:
        check.problems.append("尚未抽取：没有可以核验的结果")
        return check
    if not picks:
        check.problems.append("已标为抽取，却没有抽取结果")
    elif [int(p["seq"]) for p in picks] != list(range(len(picks))):
        check.problems.append("抽取结果的序号不连续")
    try:
        check.key = key_string(record["sources"])
        check.expected = sequence(len(entries), len(picks), check.key)
    except ValueError as e:
        check.problems.append(f"随机源无法使用：{e}")
        return check
    if check.key != record.get("key_string"):
        check.problems.append("由随机源重建的密钥串与保存的不符")
    for seq, (want, got) in enumerate(zip(check.expected, check.stored, strict=True)):
        if want != got:
            check.problems.append(
                f"第 {seq + 1} 个抽取结果应为名单第 {want} 项，保存的是第 {got} 项"
            )
    _check_names(record, check.problems)
    return check


def _load(where: str) -> Any:
    if where.startswith(("http://", "https://")):
        with urllib.request.urlopen(where, timeout=30) as answer:  # noqa: S310 - the user's URL
            return json.load(answer)
    with open(where, encoding="utf-8") as f:
        return json.load(f)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("用法: python verify_draw.py 抽取数据.json（或其网址）")
        return 2
    record = _load(argv[0])
    check = verify_record(record)
    print(f"抽取 #{record.get('id')} {record.get('title', '')}")
    print(f"名单 {len(record['entries'])} 项，SHA-256 {record['list_sha256']}")
    print(f"名单冻结 {record.get('frozen_at')}，公布的抽取时间 {record.get('draw_at')}")
    if check.drawn:
        print(f"抽取于 {record.get('drawn_at')}，密钥串 {check.key}")
        print(f"保存的结果 {check.stored}")
        print(f"重新运行   {check.expected}")
    for problem in check.problems:
        print(f"  ✗ {problem}")
    print("核验通过 PASS" if check.ok else "核验未通过 FAIL")
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
