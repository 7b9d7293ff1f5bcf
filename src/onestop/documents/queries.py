"""Reads of documents other apps call."""

from __future__ import annotations

from onestop.cases.models import Case


def has_certificate(case: Case) -> bool:
    """Whether a valid certificate has been issued for the case (placeholder until issued)."""
    return True
