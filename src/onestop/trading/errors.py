"""Domain errors of trading; views show the message, the API answers with code and status."""

from __future__ import annotations

from onestop.core.errors import DomainError


class TradingError(DomainError):
    """A request the rules of trading (tenders, bids, openings, objections) refuse."""
