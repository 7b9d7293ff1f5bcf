"""Domain error of the marketplace; views show the message, the API answers with code and status."""

from __future__ import annotations

from onestop.core.errors import DomainError


class IntermediaryError(DomainError):
    """A request the marketplace's rules (listing, needs, selection, rating) refuse."""
