"""System check: PDF documents need an embeddable Chinese font."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning


def check_pdf_font(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from onestop.documents.pdf import DEBIAN_FONT_PACKAGE, find_font_file  # ReportLab: slow

    if find_font_file() is not None:
        return []
    return [
        Warning(
            "没有找到可嵌入 PDF 的中文 TrueType 字体，通知书和证照将使用不嵌入的字体",
            hint=(
                f"apt-get install {DEBIAN_FONT_PACKAGE}，"
                "或设置 DOCUMENTS_FONT 指向 TrueType 字体文件（TTF/TTC）"
            ),
            id="documents.W001",
        )
    ]
