"""The daily reconciliation report per department (收费日对账), on screen and in Excel.

For one local day (Asia/Shanghai) and each department: notices issued and the amount due,
exemptions, cancellations, payments by method, refunds, the net, and what is outstanding at the
end of the day; then one line per payment and refund with the case number and payment code.
The figures hold this identity from one day to the next (the tests check it):

    outstanding(day) = outstanding(day before) + due(day) − paid(day) − cancelled(day)

Sums are taken in Python over Decimal values, not in SQL: SQLite sums decimals as floats.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from onestop.fees.models import FeeNotice, Payment, Refund, method_label
from onestop.fees.queries import report_scope
from onestop.org.models import Department

ZERO = Decimal("0.00")
MONEY_FORMAT = "#,##0.00"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day in the centre's zone, as aware datetimes."""
    zone = ZoneInfo(settings.CENTRE_TIME_ZONE)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


@dataclass
class Line:
    """One payment (positive) or refund (negative) of the day."""

    kind: str  # "缴费" or "退款"
    at: datetime
    department: Department
    case_pk: int
    case_number: str
    item_name: str
    payment_code: str
    method: str
    amount: Decimal
    reference: str
    by: str
    note: str = ""


@dataclass
class Figures:
    department: Department | None
    issued_count: int = 0
    due: Decimal = ZERO
    exempted_count: int = 0
    cancelled_count: int = 0
    cancelled: Decimal = ZERO
    paid_count: int = 0
    paid: Decimal = ZERO
    by_method: dict[str, Decimal] = field(default_factory=dict)
    # The by_method amounts in the report's column order (set by reconcile, for templates).
    method_amounts: list[Decimal] = field(default_factory=list)
    refund_count: int = 0
    refunded: Decimal = ZERO
    outstanding_count: int = 0
    outstanding: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return self.paid - self.refunded

    @property
    def active(self) -> bool:
        return bool(
            self.issued_count
            or self.exempted_count
            or self.cancelled_count
            or self.paid_count
            or self.refund_count
            or self.outstanding_count
        )

    def add(self, other: Figures) -> None:
        self.issued_count += other.issued_count
        self.due += other.due
        self.exempted_count += other.exempted_count
        self.cancelled_count += other.cancelled_count
        self.cancelled += other.cancelled
        self.paid_count += other.paid_count
        self.paid += other.paid
        for method, amount in other.by_method.items():
            self.by_method[method] = self.by_method.get(method, ZERO) + amount
        self.refund_count += other.refund_count
        self.refunded += other.refunded
        self.outstanding_count += other.outstanding_count
        self.outstanding += other.outstanding


@dataclass
class Reconciliation:
    day: date
    departments: list[Figures]
    total: Figures
    methods: list[str]

    def method_columns(self) -> list[tuple[str, str]]:
        return [(m, method_label(m)) for m in self.methods]


class _Rows(dict[int, Figures]):
    def of(self, dept: Department) -> Figures:
        if dept.pk not in self:
            self[dept.pk] = Figures(dept)
        return self[dept.pk]


def reconcile(
    user: AbstractBaseUser | AnonymousUser,
    day: date,
    *,
    department: Department | None = None,
    always: Iterable[Department] = (),
) -> Reconciliation | None:
    """The day's figures for every department the user may see (None: the user may see none).

    Departments with nothing to show are left out, except those in `always` (the user's own)."""
    scopes = [report_scope(user, via) for via in ("case", "notice__case", "payment__notice__case")]
    if any(q is None for q in scopes):
        return None
    notice_q, payment_q, refund_q = (q or Q() for q in scopes)
    if department is not None:
        notice_q &= Q(case__department=department)
        payment_q &= Q(notice__case__department=department)
        refund_q &= Q(payment__notice__case__department=department)
    start, end = day_bounds(day)
    rows = _Rows()
    _count_notices(rows, FeeNotice.objects.filter(notice_q), start, end)
    _count_payments(rows, Payment.objects.filter(payment_q, at__gte=start, at__lt=end))
    _count_refunds(rows, Refund.objects.filter(refund_q, at__gte=start, at__lt=end))

    own = {d.pk for d in always if department is None or d.pk == department.pk}
    for dept in always:
        if dept.pk in own:
            rows.of(dept)
    keep = [f for pk, f in rows.items() if f.active or pk in own]
    keep.sort(key=_department_order)
    total = Figures(None)
    for fig in keep:
        fig.lines.sort(key=lambda line: (line.at, line.kind))
        total.add(fig)
    methods = sorted({m for f in keep for m in f.by_method}, key=_method_order)
    for fig in [*keep, total]:
        fig.method_amounts = [fig.by_method.get(m, ZERO) for m in methods]
    return Reconciliation(day, keep, total, methods)


def _count_notices(
    rows: _Rows, notices: QuerySet[FeeNotice], start: datetime, end: datetime
) -> None:
    notices = notices.select_related("case__department")
    for n in notices.filter(issued_at__gte=start, issued_at__lt=end):
        fig = rows.of(n.case.department)
        fig.issued_count += 1
        fig.due += n.amount
        if n.exempt_reason:
            fig.exempted_count += 1
    for n in notices.filter(cancelled_at__gte=start, cancelled_at__lt=end):
        fig = rows.of(n.case.department)
        fig.cancelled_count += 1
        fig.cancelled += n.amount
    # Outstanding at the end of the day: issued by then, and neither paid nor voided by then.
    unpaid = notices.filter(issued_at__lt=end, amount__gt=0).filter(
        Q(paid_at__isnull=True) | Q(paid_at__gte=end),
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=end),
    )
    for n in unpaid:
        fig = rows.of(n.case.department)
        fig.outstanding_count += 1
        fig.outstanding += n.amount


def _count_payments(rows: _Rows, payments: QuerySet[Payment]) -> None:
    payments = payments.select_related(
        "notice__case__department", "notice__case__item", "by"
    ).order_by("at", "pk")
    for p in payments:
        case = p.notice.case
        fig = rows.of(case.department)
        fig.paid_count += 1
        fig.paid += p.amount
        fig.by_method[p.method] = fig.by_method.get(p.method, ZERO) + p.amount
        fig.lines.append(
            Line(
                "缴费",
                p.at,
                case.department,
                case.pk,
                case.number,
                case.item.name,
                p.notice.code,
                p.method_display,
                p.amount,
                p.reference,
                _name(p.by),
            )
        )


def _count_refunds(rows: _Rows, refunds: QuerySet[Refund]) -> None:
    refunds = refunds.select_related(
        "payment__notice__case__department", "payment__notice__case__item", "by"
    ).order_by("at", "pk")
    for r in refunds:
        case = r.payment.notice.case
        fig = rows.of(case.department)
        fig.refund_count += 1
        fig.refunded += r.amount
        fig.lines.append(
            Line(
                "退款",
                r.at,
                case.department,
                case.pk,
                case.number,
                case.item.name,
                r.payment.notice.code,
                r.payment.method_display,
                -r.amount,
                r.payment.reference,
                _name(r.by),
                r.reason,
            )
        )


def _department_order(fig: Figures) -> tuple[str, int]:
    return (fig.department.kind, fig.department.pk) if fig.department else ("", 0)


def _method_order(method: str) -> tuple[int, str]:
    return (0 if method.startswith("window_") else 1, method)


def _name(user: object) -> str:
    if user is None:
        return "支付平台"
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "username", ""))


# --- Excel -----------------------------------------------------------------------------------

SUMMARY_HEAD = ["部门", "开具通知（笔）", "应收金额（元）", "依法免收（笔）", "作废（笔）"]
SUMMARY_TAIL = [
    "作废金额（元）",
    "实收（笔）",
    "实收金额（元）",
]
REFUND_HEAD = ["退款（笔）", "退款金额（元）", "净收金额（元）", "未缴（笔）", "未缴金额（元）"]
LINE_HEAD = [
    "时间",
    "部门",
    "办件编号",
    "事项",
    "缴款码",
    "类型",
    "缴费方式",
    "金额（元）",
    "流水号/票据号",
    "经办人",
    "备注",
]


def _summary_row(fig: Figures, name: str) -> list[object]:
    return [
        name,
        fig.issued_count,
        fig.due,
        fig.exempted_count,
        fig.cancelled_count,
        fig.cancelled,
        fig.paid_count,
        fig.paid,
        *fig.method_amounts,
        fig.refund_count,
        fig.refunded,
        fig.net,
        fig.outstanding_count,
        fig.outstanding,
    ]


def export_xlsx(report: Reconciliation) -> bytes:
    """The report as a workbook: 汇总 (one row per department and a total) and 明细 (lines)."""
    zone = ZoneInfo(settings.CENTRE_TIME_ZONE)
    wb = Workbook()
    summary = wb.active
    assert summary is not None  # noqa: S101 - a new workbook always has its first sheet
    summary.title = "汇总"
    summary.append([f"收费日对账表 {report.day.isoformat()}"])
    summary["A1"].font = Font(bold=True, size=14)
    head = [
        *SUMMARY_HEAD,
        *SUMMARY_TAIL,
        *[f"其中：{label}（元）" for _m, label in report.method_columns()],
        *REFUND_HEAD,
    ]
    summary.append(head)
    for fig in report.departments:
        name = fig.department.name if fig.department else ""
        summary.append(_summary_row(fig, name))
    summary.append(_summary_row(report.total, "合计"))
    money_cols = {i + 1 for i, h in enumerate(head) if "元" in h}
    for row in summary.iter_rows(min_row=3):
        for cell in row:
            if cell.column in money_cols:
                cell.number_format = MONEY_FORMAT
    for cell in summary[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    summary.column_dimensions["A"].width = 34
    for i in range(2, len(head) + 1):
        summary.column_dimensions[get_column_letter(i)].width = 14

    lines = wb.create_sheet("明细")
    lines.append(LINE_HEAD)
    for cell in lines[1]:
        cell.font = Font(bold=True)
    for fig in report.departments:
        for line in fig.lines:
            lines.append(
                [
                    line.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                    line.department.name,
                    line.case_number,
                    line.item_name,
                    line.payment_code,
                    line.kind,
                    line.method,
                    line.amount,
                    line.reference,
                    line.by,
                    line.note,
                ]
            )
            lines.cell(row=lines.max_row, column=8).number_format = MONEY_FORMAT
    for i, width in enumerate([20, 30, 22, 30, 24, 6, 16, 12, 24, 12, 30], start=1):
        lines.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
