"""Forms of the fee pages. Amounts are taken as text: the actions parse them to exact Decimal
and answer in Chinese (`compute.to_money`)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.core.forms import RequestKeyField
from onestop.fees.models import Payment


def new_key() -> str:
    """A request key for a form: a double submit records the payment once."""
    return uuid.uuid4().hex


class PaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("缴费方式"),
        choices=[(k, v) for k, v in Payment.WINDOW_METHODS.items()],
        widget=forms.RadioSelect,
    )
    amount = forms.CharField(label=_("实收金额（元）"), max_length=20)
    reference = forms.CharField(
        label=_("票据号/交易流水号"),
        max_length=64,
        required=False,
        help_text=_("非税收入票据号或刷卡、扫码的交易流水号"),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class RefundForm(forms.Form):
    amount = forms.CharField(label=_("退款金额（元）"), max_length=20)
    reason = forms.CharField(
        label=_("退款原因"), max_length=300, widget=forms.Textarea({"rows": 3})
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class KeyForm(forms.Form):
    """A move with nothing to fill in but its request key."""

    key = RequestKeyField()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=200)


class ReconciliationForm(forms.Form):
    date = forms.DateField(
        label=_("对账日期"), required=False, widget=forms.DateInput({"type": "date"})
    )
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("部门"), queryset=None, required=False, empty_label=_("全部部门")
    )

    def __init__(self, *args: object, departments: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = departments  # type: ignore[assignment]
