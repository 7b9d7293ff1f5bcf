"""The forms of the hall's pages: they parse what was posted; the actions judge it (their
refusals come back as DomainErrors). Fields have no label where the message names its field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User

from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items
from onestop.core.errors import DomainError
from onestop.hall.models import Category
from onestop.org.models import Centre, Window, Zone


def refused(form: forms.Form, exc: DomainError) -> None:
    """The action's refusal, next to the field it names (else above the form)."""
    field = getattr(form, "aliases", {}).get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def text() -> forms.CharField:
    """A text the action checks, trims and cuts to length (so the form asks for nothing)."""
    return forms.CharField(required=False)


class TakeForm(forms.Form):
    """A queue number by zone (and item), or a booking's check-in by its code."""

    code = text()
    zone = forms.ModelChoiceField(
        Zone.objects.none(), required=False, error_messages={"invalid_choice": "请选择功能区"}
    )
    item = text()
    category = text()

    def __init__(self, *args: Any, centre: Centre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = centre.zones.all()  # type: ignore[attr-defined]

    def clean_item(self) -> ServiceItem | None:
        code = self.cleaned_data["item"]
        if not code:
            return None
        item = live_items().filter(code=code).first()
        if item is None:
            raise forms.ValidationError("事项不存在")
        return item

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("code"):  # a check-in: the zone and item come from the booking
            for name in ("zone", "item"):
                self.errors.pop(name, None)
            return data
        if data.get("zone") is None and "zone" not in self.errors:
            self.add_error("zone", "请选择功能区")
        data["category"] = data.get("category") or Category.NORMAL
        return data


class WindowMoveForm(forms.Form):
    """A move at the window: the ticket it is about, and where to transfer it."""

    ticket = forms.IntegerField(required=False, error_messages={"invalid": "排队号不存在"})
    to = forms.ModelChoiceField(
        Window.objects.all(), required=False, error_messages={"invalid_choice": "请选择转往的窗口"}
    )
    note = text()


class InquiryForm(forms.Form):
    """首问: the question and who asked it, at a centre (its key)."""

    centre = text()
    question = text()
    asker_name = text()
    asker_phone = text()


class InquiryMoveForm(forms.Form):
    """Answer the inquiry, or hand it over to a colleague with a note."""

    move = text()  # "answer"; anything else hands over
    answer = text()
    to = forms.ModelChoiceField(
        User.objects.all(), required=False, error_messages={"invalid_choice": "请选择移交对象"}
    )
    note = text()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("move") != "answer" and data.get("to") is None and "to" not in self.errors:
            self.add_error("to", "请选择移交对象")
        return data


class PhoneForm(forms.Form):
    """A phone verified by an SMS code: send the code, or check it."""

    action = text()
    phone = text()
    sms_code = text()

    aliases = {"code": "sms_code"}  # the actions' name for the code field


class BookForm(PhoneForm):
    """A booking: the slot, the booker's name and phone (checked by code, unless signed in)."""

    centre = text()
    starts_at = forms.CharField(required=False)
    name = text()

    def clean_starts_at(self) -> datetime | None:
        raw = self.cleaned_data["starts_at"]
        if self.data.get("action") == "send_code":
            return None
        try:
            starts_at = datetime.fromisoformat(raw)
        except ValueError:
            starts_at = None
        if starts_at is None or starts_at.tzinfo is None:
            raise forms.ValidationError("请选择预约时段")
        return starts_at
