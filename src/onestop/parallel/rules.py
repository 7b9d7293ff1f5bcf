"""Pure rules of parallel approval (no database): the project code, the investment, the merged
form fed to each member item, and a stage's outcome from its members' states."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from onestop.cases.models import Case
from onestop.parallel.errors import ParallelError
from onestop.parallel.models import Submission
from onestop.parallel.workflow import MEMBER_DECIDED, MEMBER_REFUSED

# 项目代码: year, 6-digit division, 2-digit industry, 2-digit type, 6-digit serial.
PROJECT_CODE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")
SURVEY_DAYS = 2  # green channel: site survey within 2 working days of receipt
MAX_INVESTMENT = Decimal("10000000000")  # 万元


def check_project_code(code: str) -> None:
    if not PROJECT_CODE.match(code):
        raise ParallelError(
            "项目代码格式应为 年份-区划码-行业码-类型码-序号，如 2026-510403-47-01-000123",
            field="code",
        )


def investment_of(raw: str | Decimal) -> Decimal:
    """总投资 in 万元, to the cent; more than nothing and less than a trillion."""
    try:
        investment = Decimal(str(raw))
    except InvalidOperation as exc:
        raise ParallelError("总投资须为数字（万元）", field="investment") from exc
    if not (Decimal(0) < investment < MAX_INVESTMENT):
        raise ParallelError("总投资须大于 0", field="investment")
    return investment.quantize(Decimal("0.01"))


def form_for(schema: Iterable[Mapping[str, Any]] | None, form: Mapping[str, Any]) -> dict[str, Any]:
    """A member item's own form (its schema's fields), fed from the merged one."""
    return {f["name"]: form.get(f["name"], "") for f in schema or []}


def check_extra(extra_form: Iterable[Mapping[str, Any]] | None, form: Mapping[str, Any]) -> None:
    """The track's own required fields (beyond the member items') are filled in."""
    missing = [
        f.get("label", f["name"])
        for f in extra_form or []
        if f.get("required") and not str(form.get(f["name"], "")).strip()
    ]
    if missing:
        raise ParallelError(
            "申请表填写有误：" + "；".join(f"请填写{m}" for m in missing), field="form"
        )


def stage_outcome(statuses: Iterable[str]) -> str | None:
    """The submission's state once every member case has its outcome (None while one has
    not): withdrawn if all were withdrawn, refused if any was refused, else granted."""
    statuses = list(statuses)
    if any(s not in MEMBER_DECIDED for s in statuses):
        return None
    if all(s == Case.Status.WITHDRAWN for s in statuses):
        return Submission.Status.WITHDRAWN
    if any(s in MEMBER_REFUSED for s in statuses):
        return Submission.Status.REFUSED
    return Submission.Status.GRANTED
