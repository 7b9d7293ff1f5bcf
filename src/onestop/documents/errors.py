"""Domain errors of documents (notices, certificates); views and the API catch `DomainError`."""

from __future__ import annotations

from onestop.core.errors import DomainError


class DocumentError(DomainError):
    """A request the rules of documents refuse; `message` is Chinese and shown to the user."""
