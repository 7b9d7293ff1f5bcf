"""Domain errors of supervision (cards, violations, alerts); views and the API catch
`DomainError`."""

from __future__ import annotations

from onestop.core.errors import DomainError


class SupervisionError(DomainError):
    """A request the rules of supervision refuse; `message` is Chinese and shown to the user."""
