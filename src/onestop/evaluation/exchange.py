"""Ratings in the shape the national 好差评 platform receives: one record per rating with the
item, the case, the department, the channel, the five-level grade, the indicators named, and the
follow-up of a bad rating (deadline, result, re-rating). Written as JSON (for the exchange) or as
an Excel sheet (for the supervisor). The rater's identity is not exported.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from onestop.evaluation.models import Rating, Rectification
from onestop.workdays.calendar import centre_zone

# (key, Chinese header, width) in the order of the national record.
FIELDS = [
    ("rating_id", "评价编号", 10),
    ("case_number", "办件编号", 24),
    ("item_code", "事项实施编码", 30),
    ("item_name", "事项名称", 30),
    ("department", "评价对象（部门）", 26),
    ("department_credit_code", "部门统一社会信用代码", 22),
    ("region_code", "行政区划代码", 14),
    ("channel", "评价渠道", 16),
    ("level", "评价等级", 10),
    ("level_name", "评价等级名称", 12),
    ("indicators", "评价指标", 24),
    ("comment", "评价内容", 40),
    ("real_name", "是否实名", 10),
    ("rated_at", "评价时间", 20),
    ("rectification_status", "整改状态", 10),
    ("rectification_due", "整改期限", 20),
    ("contacted_at", "核实回访时间", 20),
    ("rectification_result", "整改结果", 14),
    ("rectification_measure", "整改措施", 40),
    ("closed_at", "整改办结时间", 20),
    ("closed_on_time", "按期整改", 10),
    ("rerate_level", "整改后再评价等级", 16),
    ("rerate_indicators", "再评价指标", 24),
    ("rerate_comment", "再评价内容", 40),
]
CHANNELS: dict[str, str] = {
    Rating.Channel.PORTAL: "PC端（政务服务网）",
    Rating.Channel.PAD: "政务大厅评价器",
    Rating.Channel.SMS_LINK: "短信",
}


def _at(moment: datetime | None) -> str:
    return moment.astimezone(centre_zone()).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def record(rating: Rating) -> dict[str, Any]:
    """One rating as the national record (values as they are exchanged)."""
    case, dept = rating.case, rating.department
    rect: Rectification | None = getattr(rating, "rectification", None)
    return {
        "rating_id": rating.pk,
        "case_number": case.number,
        "item_code": case.item.code,
        "item_name": case.item.name,
        "department": dept.name,
        "department_credit_code": dept.credit_code,
        "region_code": case.region.code,
        "channel": CHANNELS.get(rating.channel, rating.channel),
        "level": rating.score,
        "level_name": rating.get_score_display(),
        "indicators": rating.indicator_labels,
        "comment": rating.comment,
        "real_name": rating.real_name,
        "rated_at": _at(rating.rated_at),
        "rectification_status": rect.get_status_display() if rect else "",
        "rectification_due": _at(rect.due_at) if rect else "",
        "contacted_at": _at(rect.contacted_at) if rect else "",
        "rectification_result": rect.get_result_display() if rect else "",
        "rectification_measure": rect.measure if rect else "",
        "closed_at": _at(rect.closed_at) if rect else "",
        "closed_on_time": (not rect.closed_late) if rect and rect.closed_at else None,
        "rerate_level": rating.rerate_score,
        "rerate_indicators": rating.rerate_indicator_labels,
        "rerate_comment": rating.rerate_comment,
    }


def exported(ratings: QuerySet[Rating]) -> Iterable[dict[str, Any]]:
    qs = ratings.select_related(
        "case__item", "case__region", "department", "rectification"
    ).order_by("rated_at", "pk")
    return (record(r) for r in qs)


def as_json(ratings: QuerySet[Rating]) -> bytes:
    """{"records": [...]} in UTF-8, Chinese kept as is."""
    body = {"records": list(exported(ratings))}
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


def as_xlsx(ratings: QuerySet[Rating], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "好差评"
    sheet.append([title])
    sheet.append([header for _key, header, _w in FIELDS])
    for rec in exported(ratings):
        row: list[Any] = []
        for key, _h, _w in FIELDS:
            value = rec[key]
            if isinstance(value, list):
                value = "、".join(value)
            elif isinstance(value, bool):
                value = "是" if value else "否"
            row.append(value)
        sheet.append(row)
    for i, (_k, _h, width) in enumerate(FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.cell(row=2, column=i).number_format = "@"
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
