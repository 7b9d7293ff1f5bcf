"""Domain errors of parallel approval: a Chinese message the pages and the API show as they are."""

from onestop.core.errors import DomainError


class ParallelError(DomainError):
    """A request the parallel-approval rules refuse (bad input, a stage not open, …)."""
