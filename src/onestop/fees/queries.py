"""Reads of fees other apps call."""

from __future__ import annotations

from onestop.cases.models import Case


def settled(case: Case) -> bool:
    """Whether the case owes nothing: its fees are paid or exempt (none are charged yet)."""
    return True
