"""The hotline's domain error: what its rules refuse (the kernel's `DomainError` family)."""

from __future__ import annotations

from onestop.core.errors import DomainError


class HotlineError(DomainError):
    """A request the rules of the hotline refuse; `message` is Chinese and shown to the user."""


def required_text(value: str, field: str, label: str, *, limit: int = 2000) -> str:
    """A required text, stripped; refused when empty or longer than `limit`."""
    value = (value or "").strip()
    if not value:
        raise HotlineError(f"请填写{label}", field=field)
    if len(value) > limit:
        raise HotlineError(f"{label}不能超过 {limit} 个字", field=field)
    return value
