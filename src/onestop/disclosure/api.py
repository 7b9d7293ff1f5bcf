"""Public API of licence decisions (行政许可 双公示): no token, only what is published."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import model_validator

from onestop.disclosure import queries
from onestop.disclosure.models import LicenceDecision
from onestop.workdays.calendar import local_date

router = Router(tags=["disclosure"])


class LicenceDecisionFilter(Schema):
    q: str = Field("", max_length=60, description="行政相对人名称、统一社会信用代码或决定文书号")
    item: str = Field("", max_length=60, description="许可事项名称或编码")
    department: str = Field("", max_length=60, description="许可机关（部门标识）")
    decision: Literal["", "granted", "refused"] = Field("", description="准予或不予许可")
    start: date | None = Field(None, description="许可决定日期起（含）")
    end: date | None = Field(None, description="许可决定日期止（含）")
    offset: int = Field(0, ge=0)
    limit: int = Field(25, ge=1, le=100)

    @model_validator(mode="after")
    def range_in_order(self) -> LicenceDecisionFilter:
        if self.start and self.end and self.start > self.end:
            raise ValueError("起始日期不能晚于截止日期")
        return self

    def search(self) -> queries.Search:
        return queries.Search(
            q=self.q,
            item=self.item,
            department=self.department,
            decision=self.decision,
            start=self.start,
            end=self.end,
        )


class LicenceDecisionOut(Schema):
    counterpart_name: str = Field(description="行政相对人名称（自然人姓名已脱敏）")
    counterpart_kind: str = Field(
        description="行政相对人类别：legal 法人及非法人组织，person 自然人"
    )
    counterpart_code: str = Field(description="统一社会信用代码（自然人为空）")
    document_name: str = Field(description="行政许可决定文书名称")
    document_number: str = Field(description="行政许可决定文书号")
    decision: str = Field(description="granted 准予许可 / refused 不予许可")
    decision_label: str
    item_code: str
    item_name: str = Field(description="许可内容")
    certificate_number: str = Field(description="许可证书编号（已发证时）")
    decided_on: date = Field(description="许可决定日期")
    valid_from: date | None = Field(description="有效期自")
    valid_until: date | None = Field(description="有效期至（空为长期或未发证）")
    department_name: str = Field(description="许可机关")
    department_code: str = Field(description="许可机关统一社会信用代码")
    legal_basis: str = Field(description="许可依据")
    reasons: str = Field(description="不予许可理由")
    published_on: date = Field(description="公示日期")


class LicenceDecisionPageOut(Schema):
    count: int
    items: list[LicenceDecisionOut]


def shape(row: LicenceDecision) -> LicenceDecisionOut:
    valid_from = getattr(row, "valid_from", None)
    return LicenceDecisionOut(
        counterpart_name=row.counterpart_name,
        counterpart_kind=row.counterpart_kind,
        counterpart_code=row.counterpart_code,
        document_name=row.document_name,
        document_number=row.document_number,
        decision=row.decision,
        decision_label=str(row.get_decision_display()),
        item_code=row.item_code,
        item_name=row.item_name,
        certificate_number=getattr(row, "certificate_number", None) or "",
        decided_on=row.decided_on,
        valid_from=local_date(valid_from) if valid_from else None,
        valid_until=getattr(row, "valid_until", None),
        department_name=row.department_name,
        department_code=row.department_code,
        legal_basis=row.legal_basis,
        reasons=row.reasons,
        published_on=local_date(row.published_at),
    )


@router.get(
    "/licences",
    auth=None,
    response=LicenceDecisionPageOut,
    url_name="disclosure_licences",
    summary="行政许可决定公示（双公示）",
)
def licences(request: HttpRequest, filters: Query[LicenceDecisionFilter]) -> LicenceDecisionPageOut:
    qs = queries.published(filters.search())
    rows = qs[filters.offset : filters.offset + filters.limit]
    return LicenceDecisionPageOut(count=qs.count(), items=[shape(r) for r in rows])
