"""The domain's error hierarchy: one base that views turn into a message and the API into JSON.

Each app raises its own subclass (`CaseError`, `TradingError`, `HotlineError`, …) for the rules it
owns; views and the API catch `DomainError` alone. `message` is Chinese and shown to the user,
`code` and `status` are the API's machine code and HTTP status, `field` names the form field the
message belongs to (empty: the whole request).
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse."""

    code = "invalid"
    status = 422

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionError(DomainError):
    """The move is not allowed in the object's current state."""

    code = "conflict"
    status = 409


class NotAllowed(DomainError):
    """The actor may see the object but not make this move."""

    code = "forbidden"
    status = 403


class NotFound(DomainError):
    """No such object within the actor's reach (never says whether it exists elsewhere)."""

    code = "not_found"
    status = 404
