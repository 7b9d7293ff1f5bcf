"""The pure rules of cases: legal limits, shares of a limit, what a form and a walk-in need.

No database here: the actions read the rows and ask these functions (tested without a case).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from onestop.lib.identity import check_credit_code, check_id_number, check_mobile
from onestop.org.models import Role

if TYPE_CHECKING:
    from onestop.catalog.models import ServiceItem

SUPPLEMENT_NOTICE_DAYS = 5  # Art. 32
EXTENSION_DAYS = 10  # Art. 42
CERTIFICATE_DAYS = 10  # Art. 44
# Share of the limit the lead department's review may use when the item's steps do not say.
DEFAULT_REVIEW_SHARE = 0.6
QUERY_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class Step(Protocol):
    days: int
    role: str


def review_days(limit_days: int, steps: Iterable[Step]) -> int:
    """The lead department's review share of the limit: from the item's steps, else 60 %."""
    steps = list(steps)
    total = sum(s.days for s in steps)
    review = sum(s.days for s in steps if s.role in (Role.CLERK, Role.REVIEWER))
    if total and review:
        return max(1, round(limit_days * review / total))
    return max(1, round(limit_days * DEFAULT_REVIEW_SHARE))


def number_code(region_code: str) -> str:
    """A centre's code in case numbers: its region code without trailing zero groups."""
    code = region_code
    for tail in ("000000", "000"):
        if code.endswith(tail):
            code = code[: -len(tail)]
    return code


def check_form(item: ServiceItem, data: dict[str, Any]) -> list[str]:
    """Problems with an application form against the item's form schema (一事一表)."""
    problems = []
    for field in item.form_schema or []:
        value = str(data.get(field["name"], "") or "").strip()
        label = field.get("label", field["name"])
        if not value:
            if field.get("required"):
                problems.append(f"{label}不能为空")
            continue
        kind = field.get("type")
        checker: Callable[[str], Any] | None = {
            "id_number": check_id_number,
            "credit_code": check_credit_code,
            "phone": check_mobile,
        }.get(kind or "")
        if checker:
            result = checker(value)
            if not result.valid:
                problems.append(f"{label}：{result.reason}")
        elif kind == "number":
            try:
                float(value)
            except ValueError:
                problems.append(f"{label}应为数字")
        elif kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                problems.append(f"{label}应为日期（YYYY-MM-DD）")
        elif kind in ("select", "radio") and value not in field.get("options", []):
            problems.append(f"{label}应为以下之一：{'、'.join(field.get('options', []))}")
    return problems


def register_walk_in_problems(id_number: str, name: str, phone: str) -> list[str]:
    problems = []
    if not name.strip():
        problems.append("请填写申请人姓名")
    if not check_id_number(id_number).valid:
        problems.append("身份证号码：" + check_id_number(id_number).reason)
    if not check_mobile(phone).valid:
        problems.append("手机号码：" + check_mobile(phone).reason)
    return problems
