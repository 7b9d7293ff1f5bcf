"""Validation of Chinese identity numbers, credit codes, mobiles and postal codes.

ID numbers follow GB 11643-1999 (area, birth date, sequence, check character); unified social
credit codes follow GB 32100-2015. The check-character arithmetic comes from python-stdnum;
this module adds the rules stdnum leaves out and a reason in Chinese for every failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

# The first two digits of an ID number: provinces, autonomous regions and municipalities
# (GB/T 2260), plus 71 台湾, 81 香港, 82 澳门 and 83 for residence permits of Taiwan residents.
PROVINCE_CODES = frozenset(
    (
        "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
        "61 62 63 64 65 71 81 82 83"
    ).split()
)

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_POSTCODE = re.compile(r"^[1-8]\d{5}$")


@dataclass(frozen=True)
class Check:
    valid: bool
    reason: str


OK = Check(True, "")


def check_id_number(value: str, *, today: date | None = None) -> Check:
    """Validate an 18-character resident ID number."""
    number = (value or "").strip().upper()
    if len(number) != 18:
        return Check(False, f"身份证号码应为18位，当前为{len(number)}位")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return Check(False, "身份证号码前17位应为数字，最后一位为数字或X")
    if number[:2] not in PROVINCE_CODES:
        return Check(False, f"身份证号码的地址码（前6位）无效：{number[:6]}")
    try:
        birth = ric.get_birth_date(number)
    except ValidationError:
        return Check(False, f"身份证号码中的出生日期无效：{number[6:14]}")
    if birth > (today or datetime.now(tz=UTC).date()) or birth.year < 1890:
        return Check(False, f"身份证号码中的出生日期不合理：{birth.isoformat()}")
    # Not ric.validate(): its county list lacks many real codes (510403 among them), so
    # the area is checked at province level above and the check character here.
    expected = ric.calc_check_digit(number)
    if number[-1] != expected:
        return Check(False, f"身份证号码校验码错误，最后一位应为 {expected}")
    return OK


def id_check_character(body: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    return str(ric.calc_check_digit(body[:17] + "0"))  # stdnum ignores the last character


def check_credit_code(value: str) -> Check:
    """Validate an 18-character unified social credit code."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        return Check(False, f"统一社会信用代码应为18位，当前为{len(code)}位")
    try:
        uscc.validate(code)
    except InvalidChecksum:
        return Check(
            False, f"统一社会信用代码校验码错误，最后一位应为 {uscc.calc_check_digit(code)}"
        )
    except (InvalidFormat, InvalidComponent, InvalidLength):
        return Check(
            False,
            "统一社会信用代码含有无效字符或结构不正确（不使用 I、O、Z、S、V，"
            "第1位为登记管理部门代码，第3-8位为行政区划码）",
        )
    except ValidationError:
        return Check(False, "统一社会信用代码格式不正确")
    return OK


def check_mobile(value: str) -> Check:
    if _MOBILE.match((value or "").strip()):
        return OK
    return Check(False, "手机号码应为以1开头的11位数字")


def check_postcode(value: str) -> Check:
    if _POSTCODE.match((value or "").strip()):
        return OK
    return Check(False, "邮政编码应为6位数字")


def mask_id_number(value: str) -> str:
    """5104**********1234: the first four and the last four characters stay visible."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_credit_code(value: str) -> str:
    """9151**********123X: the same rule as an ID number."""
    return mask_id_number(value)


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) != 11:
        return mask_id_number(value)
    return value[:3] + "****" + value[-4:]
