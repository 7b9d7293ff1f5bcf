"""Text for a terminal: command output that lines up Chinese and Latin columns."""

from __future__ import annotations

import unicodedata


def pad(text: str, width: int) -> str:
    """Left-justify text to a terminal width, counting a Chinese character as two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - shown, 0)
