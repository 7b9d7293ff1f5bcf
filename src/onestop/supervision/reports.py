"""The monthly efficiency report a supervisor hands in: one table, three skins.

The page shows it formatted ("50.0%", "—"); the Excel workbook holds numbers with number formats
(so columns sort and sum), a title, the period, the unit and the rank, fitted widths, a frozen
header and a chart sheet; the PDF has the same table with charts, in the embedded Chinese font.
"""

from __future__ import annotations

import io
import unicodedata
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from onestop.documents.pdf import font, styles
from onestop.supervision.efficiency import DIMENSION_LABELS, Figures, ranks

PCT, DAYS, INT, SCORE = "0.0%", "0.0", "0", "0.0"
DASH = "—"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Figures], float | int | None]
    fmt: str


COLUMNS = [
    Column("收件", lambda r: r.received, INT),
    Column("办结", lambda r: r.completed, INT),
    Column("按时办结率", lambda r: r.on_time_rate, PCT),
    Column("提前办结率", lambda r: r.early_rate, PCT),
    Column("即办率", lambda r: r.on_the_spot_rate, PCT),
    Column("平均用时（工作日）", lambda r: r.avg_used, DAYS),
    Column("平均承诺时限（工作日）", lambda r: r.avg_promised, DAYS),
    Column("超期件", lambda r: r.overdue, INT),
    Column("满意度", lambda r: r.satisfaction, PCT),
    Column("黄牌", lambda r: r.yellow_cards, INT),
    Column("红牌", lambda r: r.red_cards, INT),
    Column("整改逾期", lambda r: r.overdue_cards, INT),
    Column("效能评分", lambda r: r.score, SCORE),
]
PERSON_COLUMNS = [
    *COLUMNS,
    Column("办理环节", lambda r: r.tasks_done, INT),
    Column("环节按时率", lambda r: r.task_on_time_rate, PCT),
]
NOTE = (
    "按时办结率、提前办结率以承诺件为基数；即办率以办结件为基数；满意度为评价中“满意”及以上的比例。"
    "效能评分 = 100 × 各项比率的加权平均 − 黄牌、红牌、整改逾期扣分（权重由中心管理员设定）。"
    "无可评价办件的单位显示“—”（表格中为空白），不参与排名。"
)


@dataclass(frozen=True)
class Report:
    """One month's evaluation of a unit (a region's supervision), grouped by a dimension."""

    rows: list[Figures]
    by: str
    year: int
    month: int
    unit: str  # the supervising region's name
    computed_at: datetime | None

    @property
    def columns(self) -> list[Column]:
        return PERSON_COLUMNS if self.by == "person" else COLUMNS

    @property
    def headers(self) -> list[str]:
        return ["排名", DIMENSION_LABELS[self.by], *(c.header for c in self.columns)]

    @property
    def title(self) -> str:
        return f"{self.unit}{self.year}年{self.month}月效能评估（按{DIMENSION_LABELS[self.by]}）"

    @property
    def period(self) -> str:
        last = monthrange(self.year, self.month)[1]
        return f"{self.year}-{self.month:02d}-01 至 {self.year}-{self.month:02d}-{last:02d}"

    def texts(self) -> list[tuple[str, list[str]]]:
        """(rank, [name, values…]) as the page and the PDF show them."""
        return [
            (
                shown(rank, INT),
                [name, *(shown(v, c.fmt) for v, c in zip(values, self.columns, strict=True))],
            )
            for rank, name, values in self.table()
        ]

    def table(self) -> list[tuple[int | None, str, list[float | int | None]]]:
        """(rank, name, values) per row, values as numbers (None: nothing to show)."""
        return [
            (rank, r.name, [c.value(r) for c in self.columns])
            for rank, r in zip(ranks(self.rows), self.rows, strict=True)
        ]


def shown(value: float | int | None, fmt: str) -> str:
    """A value as the page and the PDF show it."""
    if value is None:
        return DASH
    if fmt == PCT:
        return f"{value * 100:.1f}%"
    if fmt in (DAYS, SCORE):
        return f"{value:.1f}"
    return str(value)


def _width(text: str) -> int:
    """Display width in Excel columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def workbook(report: Report) -> bytes:
    """The report as .xlsx: numbers with formats, title, period, unit, rank, chart sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "效能评估"
    headers = report.headers
    last = get_column_letter(len(headers))
    sheet.append([report.title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    computed = f"{report.computed_at:%Y-%m-%d %H:%M}" if report.computed_at else "—"
    sheet.append([f"统计期间：{report.period}　统计单位：{report.unit}　数据更新于：{computed}"])
    sheet.merge_cells(f"A2:{last}2")
    sheet.append(headers)
    thin = Side(style="thin", color="999999")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    widths = [_width(h) + 2 for h in headers]
    formats = [INT, "@", *(c.fmt for c in report.columns)]
    for rank, name, values in report.table():
        sheet.append([rank, name, *values])
        row = sheet.max_row
        for i, fmt in enumerate(formats, start=1):
            cell = sheet.cell(row=row, column=i)
            cell.number_format = fmt if fmt != "@" else "General"
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            text = shown(cell.value, fmt) if fmt != "@" else str(cell.value)
            widths[i - 1] = max(widths[i - 1], _width(text) + 2)
    for i, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(w, 60)
    sheet.freeze_panes = "C4"  # the header and the rank and name columns stay in view
    sheet.auto_filter.ref = f"A3:{last}{max(sheet.max_row, 3)}"
    sheet.append([])
    sheet.append([f"说明：{NOTE}"])
    _chart(book, report, data_rows=len(report.rows))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _chart(book: Workbook, report: Report, *, data_rows: int) -> None:
    """A chart sheet of the score of the ranked units (rows 4…)."""
    scored = sum(1 for r in report.rows if r.score is not None)
    sheet = book["效能评估"]
    chart = BarChart()
    chart.type = "bar"
    chart.title = f"{report.year}年{report.month}月效能评分"
    chart.y_axis.title = "效能评分"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.legend = None
    score_col = report.headers.index("效能评分") + 1
    if scored:
        chart.add_data(
            Reference(sheet, min_col=score_col, min_row=3, max_row=3 + scored),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=2, min_row=4, max_row=3 + scored))
    book.create_chartsheet("评分图表").add_chart(chart)


def pdf(report: Report) -> bytes:
    """The report as a landscape A4 PDF for the monthly meeting: charts, then the table."""
    st = styles()
    name = font().name
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        author=report.unit,
    )
    computed = f"{report.computed_at:%Y-%m-%d %H:%M}" if report.computed_at else "—"
    story: list[object] = [
        Paragraph(report.title, st.title),
        Paragraph(
            f"统计期间：{report.period}　统计单位：{report.unit}　数据更新于：{computed}", st.small
        ),
        Spacer(1, 4 * mm),
    ]
    scored = [r for r in report.rows if r.score is not None][:15]
    if scored:
        story.append(_bars(scored, "效能评分（前 15 名）", lambda r: r.score or 0, 100, name))
        story.append(
            _bars(
                scored,
                "按时办结率（%）",
                lambda r: 100 * (r.on_time_rate or 0),
                100,
                name,
            )
        )
        story.append(Spacer(1, 4 * mm))
    head = report.headers
    body = [
        [
            shown(rank, INT) if rank else DASH,
            row_name,
            *(shown(v, c.fmt) for v, c in zip(values, report.columns, strict=True)),
        ]
        for rank, row_name, values in report.table()
    ]
    cell = st.small
    data = [[Paragraph(h, cell) for h in head]] + [
        [Paragraph(str(v), cell) for v in row] for row in body
    ]
    widths = [10 * mm, 52 * mm] + [(273 - 62) * mm / (len(head) - 2)] * (len(head) - 2)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [table, Spacer(1, 3 * mm), Paragraph(f"说明：{NOTE}", cell)]
    doc.build(story)  # type: ignore[arg-type]
    return out.getvalue()


def _bars(
    rows: list[Figures], title: str, value: Callable[[Figures], float], top: float, font_name: str
) -> Drawing:
    """A horizontal bar chart of one figure for the ranked units (reportlab graphics)."""
    height = 22 + 14 * len(rows) + 10
    drawing = Drawing(270 * mm, height)
    drawing.add(String(0, height - 12, title, fontName=font_name, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y = 60 * mm, 8
    chart.width, chart.height = 190 * mm, 14 * len(rows)
    chart.data = [[value(r) for r in reversed(rows)]]
    chart.categoryAxis.categoryNames = [r.name[:24] for r in reversed(rows)]
    chart.categoryAxis.labels.fontName = font_name
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, top
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#C0392B")
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    drawing.add(chart)
    return drawing
