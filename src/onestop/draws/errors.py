"""Domain error of draws: a Chinese message, a machine code and an HTTP status for the API."""

from __future__ import annotations

from onestop.cases.errors import CaseError


class DrawError(CaseError):
    code = "conflict"
    status = 409
