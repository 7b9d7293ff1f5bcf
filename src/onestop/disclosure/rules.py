"""What of a licence decision may be published (pure: no database)."""

from __future__ import annotations

from dataclasses import dataclass

from onestop.lib.redact import mask_name, redact

# 双公示: a licence decision is published within 7 working days of the day it was made.
PUBLISH_WITHIN_DAYS = 7

DOCUMENT_NAMES = {"granted": "准予行政许可决定书", "refused": "不予行政许可决定书"}


@dataclass(frozen=True)
class Counterpart:
    """The administrative counterpart as published: a person masked and without any number."""

    kind: str  # "legal" | "person"
    name: str
    code: str


def public_counterpart(*, enterprise: bool, name: str, credit_code: str) -> Counterpart:
    """An enterprise by its name and unified social credit code; a natural person by the masked
    name alone (no ID number, address or phone: 个人信息保护法 Art. 28, 双公示 rules)."""
    if enterprise:
        return Counterpart("legal", name.strip(), credit_code.strip().upper())
    return Counterpart("person", mask_name(name), "")


def public_text(text: str, *, names: tuple[str, ...] = ()) -> str:
    """A free text (legal basis, reasons) as it may be published."""
    return redact(text.strip(), names=names)
