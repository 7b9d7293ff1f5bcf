"""Domain errors of evaluation (ratings, rectifications); views and the API catch `DomainError`."""

from __future__ import annotations

from onestop.core.errors import DomainError


class EvaluationError(DomainError):
    """A request the rules of evaluation refuse; `message` is Chinese and shown to the user."""
