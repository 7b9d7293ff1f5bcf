"""Working-day endpoints: the deadline calculator."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from onestop.workdays import queries
from onestop.workdays.calendar import halve
from onestop.workdays.schedule import FIRST_YEAR, LAST_YEAR

router = Router(tags=["workdays"])

MAX_DAYS = 3650


class DueIn(Schema):
    start: date = Field(description="受理日（YYYY-MM-DD），当天不计入")
    days: int = Field(ge=0, le=MAX_DAYS, description="时限（工作日）；0 表示即办")
    halve: bool = Field(False, description="时限减半（向上取整），用于绿色通道等")

    @field_validator("start")
    @classmethod
    def start_in_range(cls, value: date) -> date:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"日期须在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间")
        return value


class SkippedDay(Schema):
    day: date
    name: str


class DueOut(Schema):
    start: date
    days: int = Field(description="请求的时限")
    counted_days: int = Field(description="实际计算的工作日数（减半后）")
    due: date = Field(description="到期日，当日 24 时前办结")
    provisional: bool = Field(
        description="为真时，期限跨入尚未载入节假日安排的年份，仅按周末和固定日期的法定节假日（1月1日、5月1日、10月1日至3日）推算"
    )
    unknown_years: list[int]
    holidays: list[str] = Field(description="跳过的节假日名称（按出现顺序，不重复）")
    skipped: list[SkippedDay] = Field(description="跳过的有名称的非工作日")
    makeup: list[SkippedDay] = Field(description="计入期限的周末调休上班日")


@router.get(
    "/due", response=DueOut, url_name="workdays_due", summary="按工作日计算办理期限的到期日"
)
def due(request: HttpRequest, params: Query[DueIn]) -> DueOut:
    counted = halve(params.days) if params.halve else params.days
    result = queries.due_date(params.start, counted)
    return DueOut(
        start=params.start,
        days=params.days,
        counted_days=counted,
        due=result.due,
        provisional=result.provisional,
        unknown_years=list(result.unknown_years),
        holidays=list(dict.fromkeys(d.name for d in result.skipped)),
        skipped=[SkippedDay(day=d.date, name=d.name) for d in result.skipped],
        makeup=[SkippedDay(day=d.date, name=d.name) for d in result.makeup],
    )
