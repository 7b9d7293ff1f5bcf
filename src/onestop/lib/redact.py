"""The one redaction every public face uses before it publishes a free text.

`redact(text)` replaces with MASK what identifies a person or a household:
ID numbers (18 characters, with X, and the old 15-digit ones), unified social credit codes,
phone numbers (mobiles unbroken, spaced, dashed or with +86/0086; landlines with their area
code, in brackets or not, with extensions; 400/800 numbers), bank card numbers (16–19 digits,
grouped or not), licence plates (川D·12345, new-energy 川DA1234F), e-mail addresses, addresses
below street level (门牌号 and 栋/单元/室/号楼 …, village groups) and the names the caller
passes (e.g. the reporter's own name), plus a surname with an honorific (张先生, 李阿姨).

What it keeps: dates (2026-03-10, 3月12号), times, amounts, ticket and case numbers
(RX20260310-0001, 510403-20260310-0001), the hotline number 12345, street and community names.

Matching runs on a copy in which full-width letters, digits and signs are read as their ASCII
forms, one character for one, so that `１３９１２３４５６７８` is caught and the text around a match
is published exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"

# Full-width ASCII (U+FF01–U+FF5E) and the ideographic space, read as ASCII: same length.
_ASCII = str.maketrans({**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}, "\u3000": " "})

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_NOT_DIGIT_BEFORE = r"(?<![0-9])"
_NOT_DIGIT_AFTER = r"(?![0-9])"
_SEP = r"[ \-.·]?"  # what people put between digit groups

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_USCC_CHAR = "0-9A-HJ-NPQRTUWXY"
_CN_NUM = "一二三四五六七八九十百零〇"
# The hundred commonest surnames: with an honorific they name a person (张先生, 王阿姨).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
_HONORIFICS = "先生|女士|小姐|师傅|阿姨|大爷|大妈|大姐|大哥|老师|老板|医生|经理"

# Rules that need an ASCII letter or digit (read from full width): run only around the places
# that have one (the islands below), which keeps a long text fast.
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # e-mail (before the digit rules: a mailbox may be all digits, 12345678@qq.com)
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
        # ID number, 18 characters (possibly grouped 6-8-4) and the old 15 digits
        # (grouped by spaces only: 510403-20260310-0001 is a case number)
        _NOT_ALNUM_BEFORE
        + r"[1-9][0-9]{5} ?(?:18|19|20)[0-9]{6} ?[0-9]{3}[0-9X]"
        + _NOT_ALNUM_AFTER,
        _NOT_DIGIT_BEFORE + r"[1-9][0-9]{14}" + _NOT_DIGIT_AFTER,
        # unified social credit code: 2 characters, 6-digit region code, 10 characters
        _NOT_ALNUM_BEFORE + f"[{_USCC_CHAR}]{{2}}[0-9]{{6}}[{_USCC_CHAR}]{{10}}" + _NOT_ALNUM_AFTER,
        # mobiles: 13912345678, 139 1234 5678, 139-1234-5678, +86 139…, 0086-139…, (+86)139…
        r"(?:(?:\(\+?86\)|\+86|0086|(?<![0-9])86)[ \-]?|(?<![0-9]))"
        + r"1[3-9][0-9]"
        + _SEP
        + r"[0-9]{4}"
        + _SEP
        + r"[0-9]{4}"
        + _NOT_DIGIT_AFTER,
        # landlines: 0812-3334444, (0812)3334444, 010 8888 6666, +86 812 3334444, ext. 8001
        r"(?:(?:\+86|0086)[ \-]?[1-9][0-9]{1,2}|"
        + _NOT_DIGIT_BEFORE
        + r"\(0[1-9][0-9]{1,2}\)|（0[1-9][0-9]{1,2}）|"
        + _NOT_DIGIT_BEFORE
        + r"0[1-9][0-9]{1,2})"
        + r"[ \-]?[2-9][0-9]{2,3}[ \-]?[0-9]{4}"
        + r"(?:\s*(?:-|转|分机|ext\.?|x)\s*[0-9]{1,6})?"
        + _NOT_DIGIT_AFTER,
        # 400 / 800 service numbers: 400-820-8820, 4008208820, 800 810 8888
        _NOT_DIGIT_BEFORE + r"[48]00" + _SEP + r"[0-9]{3}" + _SEP + r"[0-9]{4}" + _NOT_DIGIT_AFTER,
        # bank cards: 16–19 digits, unbroken or in groups of four
        _NOT_DIGIT_BEFORE + r"[0-9]{16,19}" + _NOT_DIGIT_AFTER,
        _NOT_DIGIT_BEFORE + r"[0-9]{4}(?:[ \-][0-9]{4}){3}(?:[ \-]?[0-9]{1,3})?" + _NOT_DIGIT_AFTER,
        # licence plates: 川D12345, 川D·12345, 川DA1234F (new energy), 川D1234挂
        f"[{_PROVINCES}]"
        + r"\s?[A-Z]\s?[·•・.\-]?\s?(?:[A-HJ-NP-Z0-9]{5,6}|[A-HJ-NP-Z0-9]{4}[挂学警港澳])"
        + _NOT_ALNUM_AFTER,
        # below street level: 12号 after a road, 3栋2单元501室, 5号楼, 8幢, 3-2-501, 金沙村5组
        r"(?<=[路街巷弄道里胡同])\s?(?:[0-9]+(?:[-之][0-9]+)?|附[0-9]+)\s?号(?:院|楼)?",
        r"(?<![0-9月])[0-9]+(?:[-之][0-9]+)*\s?(?:号楼|号院|号房|栋|幢|座|单元|室|户|层|楼)",
        _NOT_DIGIT_BEFORE + r"[0-9]{1,3}-[0-9]{1,2}-[0-9]{3,4}" + _NOT_DIGIT_AFTER,
        r"(?<=[村区])[0-9]+(?:组|社)(?![0-9])",
    )
)


# Where those rules can match: a run of letters, digits and the signs inside phone numbers,
# e-mail addresses and plates. Each rule runs from two characters before it (lookbehinds, the
# province of a plate) to three after it (号, 栋, 单元 …).
_ISLAND = re.compile(r"[0-9A-Za-z@+(（][0-9A-Za-z@+()（）\-.·•・_% \t转分机]*")
_BEFORE, _AFTER = 2, 3

# Rules without ASCII, each run on the whole text only when its guard word is in it.
_WORD_RULES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("栋", "幢", "单元", "号"), re.compile(f"[{_CN_NUM}]+(?:号楼|号院|栋|幢|单元)")),
    (("组", "社"), re.compile(f"(?<=[村区])[{_CN_NUM}]+(?:组|社)")),
    # a surname with an honorific names a person
    (
        tuple(_HONORIFICS.split("|")),
        re.compile(f"[{_SURNAMES}](?=(?:{_HONORIFICS}))"),
    ),
)


def _spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for island in _ISLAND.finditer(text):
        pos, endpos = max(0, island.start() - _BEFORE), island.end() + _AFTER
        for pattern in _PATTERNS:
            found += [m.span() for m in pattern.finditer(text, pos, endpos) if m.end() > m.start()]
    for guards, pattern in _WORD_RULES:
        if any(g in text for g in guards):
            found += [m.span() for m in pattern.finditer(text)]
    for name in {n.strip() for n in names if n and len(n.strip()) >= 2}:
        start = text.find(name)
        while start >= 0:
            found.append((start, start + len(name)))
            start = text.find(name, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """The text with identifiers, phone numbers, house-level addresses and `names` masked."""
    if not text:
        return ""
    out: list[str] = []
    last = 0
    for start, end in _spans(text.translate(_ASCII), names):
        out += [text[last:start], MASK]
        last = end
    out.append(text[last:])
    return "".join(out)


def mask_name(name: str) -> str:
    """A person's name as public pages show it: 张*, 欧阳** (the surname stays)."""
    name = name.strip()
    if len(name) < 2:
        return name
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)
