"""Case numbers and query codes."""

from __future__ import annotations

import secrets
from datetime import date

from onestop.cases.models import CaseSequence
from onestop.cases.rules import QUERY_CODE_CHARS, number_code
from onestop.core.sequences import next_in_sequence
from onestop.org.models import Centre


def centre_code(centre: Centre) -> str:
    """A centre's code in case numbers: its region code without trailing zero groups."""
    return number_code(centre.region.code)


def next_case_number(centre: Centre, day: date) -> str:
    """XQ-style readable number: <centre code>-<YYYYMMDD>-<sequence of the day>."""
    prefix = f"{centre_code(centre)}-{day:%Y%m%d}"
    last = next_in_sequence(CaseSequence, prefix)
    return f"{prefix}-{last:04d}"


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_CHARS) for _ in range(8))
