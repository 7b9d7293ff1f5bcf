"""Domain errors of cases; views map them to pages, the API to JSON with a machine code."""

from __future__ import annotations


class CaseError(Exception):
    """A request the rules refuse; `message` is Chinese and shown to the user."""

    code = "invalid"
    status = 422

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionError(CaseError):
    """The move is not allowed in the case's (or task's) current state."""

    code = "conflict"
    status = 409


class NotAllowed(CaseError):
    """The actor may see the case but not make this move."""

    code = "forbidden"
    status = 403
