"""Domain errors of the hall: a Chinese message the pages and the API show as they are."""

from onestop.core.errors import DomainError


class HallError(DomainError):
    """A request the hall's rules refuse (bad input, a full slot, a blocked booker)."""
