"""Domain errors of cases; views map them to pages, the API to JSON with a machine code.

The state and permission refusals every lifecycle shares (`TransitionError`, `NotAllowed`) are
the kernel's (`onestop.core.errors`)."""

from __future__ import annotations

from onestop.core.errors import DomainError


class CaseError(DomainError):
    """A request the rules of cases refuse; `message` is Chinese and shown to the user."""
