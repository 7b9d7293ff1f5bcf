"""PDF building blocks: an embedded Chinese font, paragraph styles, a QR code flowable.

Notices and certificates must read the same on any viewer, so the font is embedded. ReportLab
embeds (subsets of) TrueType fonts only: Debian's Noto CJK is CFF-based and its built-in CID
fonts are not embedded at all. We use a TrueType CJK font from a Debian package —
fonts-wqy-zenhei (文泉驿正黑, the whole basic CJK block and Extension A) or, failing that,
fonts-arphic-uming — or the file named by settings.DOCUMENTS_FONT. Without any of them the
documents fall back to ReportLab's CID font (readable where the viewer has Chinese fonts) and
the system check documents.W001 says what to install.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

log = logging.getLogger(__name__)

FONT_NAME = "OneStopCJK"
FALLBACK_FONT = "STSong-Light"
# (path, index in a .ttc collection), first found wins.
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
DEBIAN_FONT_PACKAGE = "fonts-wqy-zenhei"


@dataclass(frozen=True)
class FontChoice:
    name: str  # the ReportLab font name to use
    path: str  # the file, or "" for the CID fallback
    embedded: bool


_lock = threading.Lock()
_chosen: FontChoice | None = None


def _candidates() -> list[tuple[str, int]]:
    configured = getattr(settings, "DOCUMENTS_FONT", "")
    found = [(str(configured), 0)] if configured else []
    return found + list(FONT_CANDIDATES)


def find_font_file() -> tuple[str, int] | None:
    """The first TrueType CJK font file present, or None."""
    for path, index in _candidates():
        if Path(path).is_file():
            return path, index
    return None


def font() -> FontChoice:
    """Register the Chinese font once per process and say which it is."""
    global _chosen
    with _lock:
        if _chosen is not None:
            return _chosen
        found = find_font_file()
        if found is not None:
            try:
                pdfmetrics.registerFont(TTFont(FONT_NAME, found[0], subfontIndex=found[1]))
                _chosen = FontChoice(FONT_NAME, found[0], True)
                return _chosen
            except TTFError:
                log.exception("cannot use %s for PDF documents", found[0])
        log.warning(
            "no TrueType CJK font found: PDF documents use the non-embedded %s "
            "(install the Debian package %s)",
            FALLBACK_FONT,
            DEBIAN_FONT_PACKAGE,
        )
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
        _chosen = FontChoice(FALLBACK_FONT, "", False)
        return _chosen


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    docno: ParagraphStyle
    body: ParagraphStyle
    item: ParagraphStyle
    cell: ParagraphStyle
    small: ParagraphStyle
    sign: ParagraphStyle


def styles() -> Styles:
    name = font().name
    body = ParagraphStyle(
        "body",
        fontName=name,
        fontSize=12,
        leading=21,
        firstLineIndent=24,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
        spaceAfter=4,
    )
    return Styles(
        title=ParagraphStyle(
            "title",
            fontName=name,
            fontSize=20,
            leading=30,
            alignment=TA_CENTER,
            spaceAfter=6,
            wordWrap="CJK",
        ),
        subtitle=ParagraphStyle(
            "subtitle", fontName=name, fontSize=13, leading=20, alignment=TA_CENTER
        ),
        docno=ParagraphStyle(
            "docno", fontName=name, fontSize=11, leading=18, alignment=TA_CENTER, spaceAfter=12
        ),
        body=body,
        item=ParagraphStyle("item", parent=body, firstLineIndent=0, leftIndent=24),
        cell=ParagraphStyle("cell", fontName=name, fontSize=11, leading=16, wordWrap="CJK"),
        small=ParagraphStyle("small", fontName=name, fontSize=8, leading=11, wordWrap="CJK"),
        sign=ParagraphStyle("sign", parent=body, firstLineIndent=0, alignment=TA_RIGHT),
    )


def esc(text: object) -> str:
    """Text for a Paragraph (which reads a small markup language)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(esc(text), style)


def table(rows: Sequence[tuple[str, str]], s: Styles, widths: tuple[float, float]) -> Table:
    """A two-column label/value table with a thin grid."""
    data = [[para(label, s.cell), para(value, s.cell)] for label, value in rows]
    t = Table(data, colWidths=list(widths))
    t.setStyle(
        table_style(
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        )
    )
    return t


def table_style(*commands: tuple[Any, ...], grid: bool = True) -> TableStyle:
    """A table style in the Chinese font: a Table sets its cells' font even when they hold
    paragraphs, and the default would pull in a non-embedded Helvetica."""
    base: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), font().name),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if grid:
        base.append(("GRID", (0, 0), (-1, -1), 0.5, colors.grey))
    return TableStyle(base + list(commands))


class QrCode(Flowable):
    """A QR code drawn as vector squares (segno builds the matrix; nothing is rasterised)."""

    def __init__(self, data: str, size: float = 32 * mm) -> None:
        super().__init__()
        self.qr = segno.make(data, error="m", micro=False)
        self.data = data
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        matrix = self.qr.matrix
        n = len(matrix)
        border = 2
        cell = self.size / (n + 2 * border)
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for r, row in enumerate(matrix):
            y = self.size - (r + border + 1) * cell
            for c, dark in enumerate(row):
                if dark:
                    canvas.rect((c + border) * cell, y, cell, cell, stroke=0, fill=1)


def build(
    flowables: Sequence[Flowable],
    *,
    title: str,
    author: str,
    on_page: Any = None,
) -> bytes:
    """Lay out an A4 document; `invariant` makes the same content give the same bytes."""
    name = font().name
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=title,
        author=author,
        creator="OneStop",
        subject=title,
        invariant=1,
        initialFontName=name,  # no stray reference to a non-embedded base-14 font
        initialFontSize=12,
    )
    if on_page is None:
        doc.build(list(flowables))
    else:
        doc.build(list(flowables), onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)
