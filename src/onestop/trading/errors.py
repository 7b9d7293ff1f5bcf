"""Domain errors of trading; views show the message, the API answers with code and status."""

from __future__ import annotations

from onestop.cases.errors import CaseError, NotAllowed, TransitionError

TradingError = CaseError
__all__ = ["NotAllowed", "TradingError", "TransitionError"]
