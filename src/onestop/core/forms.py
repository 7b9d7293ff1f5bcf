"""A move posted from a page that shows its form again on a refusal (STYLE §6).

The form's own problems and the rules' refusal (`DomainError`, at the field it names) are shown
next to their fields, with everything typed kept; the status says which it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.forms import Form

from onestop.core.errors import DomainError

T = TypeVar("T")

INVALID = 422  # the form's own problems


def run_form(form: Form, move: Callable[[dict[str, Any]], T]) -> tuple[T | None, int]:
    """The move's result with the form's cleaned data, or None and the status to show the form
    again with (422 for the form's problems, the error's status for the rules' refusal)."""
    if not form.is_valid():
        return None, INVALID
    try:
        return move(form.cleaned_data), 200
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None, exc.status


class RequestKeyField(forms.CharField):
    """A form's request key (hidden, optional): a repeated submit makes one move. Longer text is
    cut to `length`, what the events' key column holds."""

    def __init__(self, length: int = 64, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(required=False, strip=False, **kwargs)
        self.length = length

    def clean(self, value: Any) -> str:
        return str(super().clean(value) or "")[: self.length]


class FreeText(forms.CharField):
    """Optional text passed to an action as typed (the action strips it and says when it is
    missing, in the rules' own words)."""

    def __init__(self, *, cut: int | None = None, **kwargs: Any) -> None:
        super().__init__(required=False, strip=False, **kwargs)
        self.cut = cut  # longer text is cut here, not refused

    def clean(self, value: Any) -> str:
        return str(super().clean(value) or "")[: self.cut]
