"""Domain error of draws: a Chinese message, a machine code and an HTTP status for the API."""

from __future__ import annotations

from onestop.core.errors import DomainError


class DrawError(DomainError):
    code = "conflict"
    status = 409
