"""core.forms (a move from a form shown again on refusal), core.models (history rows) and
lib.months (the month a page asks for)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db import models

from onestop.catalog.models import ItemChange
from onestop.core.errors import DomainError, TransitionError
from onestop.core.forms import FreeText, RequestKeyField, run_form
from onestop.core.models import HistoryRow
from onestop.lib.months import month_bounds, parse_month
from onestop.supervision.models import CardEvent


class MoveForm(forms.Form):
    amount = forms.IntegerField()
    note = FreeText(cut=5)
    key = RequestKeyField(4)


def test_run_form_returns_the_moves_result_with_the_cleaned_data() -> None:
    form = MoveForm({"amount": "3", "note": "  abcdefg", "key": "k" * 10})
    result, status = run_form(form, lambda d: d)
    assert status == 200
    assert result == {"amount": 3, "note": "  abc", "key": "kkkk"}  # cut, not stripped


def test_run_form_keeps_the_forms_own_problems() -> None:
    form = MoveForm({"amount": "x"})
    called: list[Any] = []
    result, status = run_form(form, called.append)
    assert (result, status, called) == (None, 422, [])
    assert "amount" in form.errors


def test_a_refusal_is_shown_at_its_field_or_above_the_form() -> None:
    def refuse_amount(data: dict[str, Any]) -> None:
        raise DomainError("金额不对", field="amount")

    form = MoveForm({"amount": "1"})
    assert run_form(form, refuse_amount) == (None, 422)
    assert form.errors["amount"] == ["金额不对"]

    def refuse_state(data: dict[str, Any]) -> None:
        raise TransitionError("已办结", field="nowhere")

    form = MoveForm({"amount": "1"})
    assert run_form(form, refuse_state) == (None, 409)
    assert form.non_field_errors() == ["已办结"]


def test_history_rows_share_who_and_when() -> None:
    for row in (CardEvent, ItemChange):
        assert issubclass(row, HistoryRow)
        actor = row._meta.get_field("actor")
        assert isinstance(actor, models.ForeignKey) and actor.null
        assert actor.remote_field.related_name == "+"
        assert isinstance(row._meta.get_field("at"), models.DateTimeField)
    assert HistoryRow._meta.abstract


def test_a_month_is_read_or_today_s() -> None:
    today = date(2026, 5, 17)
    assert parse_month("2025-12", today) == (2025, 12)
    for bad in ("", "2025", "2025-13", "1999-01", "x-y", "2025-1-1"):
        assert parse_month(bad, today) == (2026, 5)


def test_a_month_s_bounds_run_to_the_next_month_s_first_moment() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    assert month_bounds(2025, 12, zone) == (
        datetime(2025, 12, 1, tzinfo=zone),
        datetime(2026, 1, 1, tzinfo=zone),
    )
