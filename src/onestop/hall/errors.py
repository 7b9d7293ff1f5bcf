"""Domain errors of the hall: a Chinese message the pages and the API show as they are."""

from onestop.cases.errors import CaseError, NotAllowed, TransitionError


class HallError(CaseError):
    """A request the hall's rules refuse (bad input, a full slot, a blocked booker)."""


__all__ = ["HallError", "NotAllowed", "TransitionError"]
