"""Forms of the case pages: the item's own form (一事一表) built from its schema, the
progress lookup and the agent's villager form; messages in Chinese."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from onestop.catalog.models import ServiceItem
from onestop.core.forms import FreeText, RequestKeyField
from onestop.lib.identity import (
    check_credit_code,
    check_id_number,
    check_mobile,
    mask_id_number,
)
from onestop.org.models import Applicant


def identity_validator(check: Any) -> Any:
    def validate(value: str) -> None:
        result = check(value)
        if not result.valid:
            raise forms.ValidationError(result.reason)

    return validate


def _validate_number(value: str) -> None:
    try:
        ok = Decimal(value).is_finite()
    except InvalidOperation:
        ok = False
    if not ok:
        raise forms.ValidationError("应为数字")


class UpperCharField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).upper()


def _form_field(spec: dict[str, Any]) -> forms.Field:
    """A Django form field for one field of an item's form schema, with Chinese messages."""
    label = spec.get("label") or spec["name"]
    required = bool(spec.get("required"))
    kind = spec.get("type", "text")
    errors = {"required": f"{label}不能为空", "invalid": f"{label}格式不正确"}
    common: dict[str, Any] = {"label": label, "required": required, "error_messages": errors}
    control = {"class": "form-control"}
    options = [(o, o) for o in spec.get("options", [])]
    if kind == "textarea":
        return forms.CharField(
            max_length=2000, widget=forms.Textarea(attrs={**control, "rows": 3}), **common
        )
    if kind == "number":
        return forms.CharField(
            max_length=30,
            validators=[_validate_number],
            widget=forms.TextInput(attrs={**control, "inputmode": "decimal"}),
            **common,
        )
    if kind == "date":
        errors["invalid"] = f"{label}应为日期（YYYY-MM-DD）"
        return forms.DateField(
            input_formats=["%Y-%m-%d"],
            widget=forms.DateInput(attrs={**control, "type": "date"}, format="%Y-%m-%d"),
            **common,
        )
    if kind == "select":
        return forms.ChoiceField(
            choices=[("", "请选择")] + options,
            widget=forms.Select(attrs={"class": "form-select"}),
            **common,
        )
    if kind == "radio":
        return forms.ChoiceField(
            choices=options,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            **common,
        )
    if kind == "checkbox":
        return forms.BooleanField(
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}), **common
        )
    if kind == "email":
        errors["invalid"] = f"{label}：请填写有效的电子邮箱地址"
        return forms.EmailField(max_length=254, widget=forms.EmailInput(attrs=control), **common)
    checks = {"id_number": check_id_number, "credit_code": check_credit_code}
    if kind in checks:
        return UpperCharField(
            max_length=18,
            validators=[identity_validator(checks[kind])],
            widget=forms.TextInput(attrs={**control, "data-check": kind, "autocomplete": "off"}),
            **common,
        )
    if kind == "phone":
        return forms.CharField(
            max_length=11,
            validators=[identity_validator(check_mobile)],
            widget=forms.TextInput(attrs={**control, "inputmode": "tel"}),
            **common,
        )
    return forms.CharField(max_length=200, widget=forms.TextInput(attrs=control), **common)


def application_form(
    schema: list[dict[str, Any]], *, data: Any = None, initial: dict[str, Any] | None = None
) -> forms.Form:
    fields = {spec["name"]: _form_field(spec) for spec in schema}
    form_class = type("ApplicationForm", (forms.Form,), fields)
    form: forms.Form = form_class(data=data, initial=initial, prefix="f")
    return form


def form_data_of(form: forms.Form) -> dict[str, Any]:
    """The cleaned form as the JSON the case keeps (dates as YYYY-MM-DD)."""
    out: dict[str, Any] = {}
    for name, value in form.cleaned_data.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = "" if value is None else value
    return out


# Form fields filled in from the applicant's record when the schema uses these names.
PREFILL = {
    "applicant_name": "name",
    "enterprise_name": "name",
    "id_number": "id_number",
    "credit_code": "credit_code",
    "legal_representative": "legal_representative",
    "phone": "phone",
}


def prefill(schema: list[dict[str, Any]], applicant: Applicant) -> dict[str, Any]:
    names = {spec["name"] for spec in schema}
    return {
        name: getattr(applicant, attr)
        for name, attr in PREFILL.items()
        if name in names and getattr(applicant, attr)
    }


def mark_invalid(form: forms.Form) -> None:
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


def form_rows(form: forms.Form, schema: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"field": form[spec["name"]], "type": spec.get("type", "text")} for spec in schema]


def answers(item: ServiceItem, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's answers as (label, text) for reading back, identity numbers masked."""
    out = []
    for spec in item.form_schema or []:
        value = data.get(spec["name"], "")
        if spec.get("type") == "checkbox":
            text = "是" if value else "否"
        elif spec.get("type") in ("id_number", "credit_code"):
            text = mask_id_number(str(value))
        else:
            text = str(value)
        out.append((spec.get("label") or spec["name"], text))
    return out


class ProgressForm(forms.Form):
    number = forms.CharField(
        label="办件编号",
        max_length=32,
        error_messages={"required": "请填写办件编号"},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    query_code = forms.CharField(
        label="查询码",
        max_length=12,
        error_messages={"required": "请填写查询码"},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class VillagerForm(forms.Form):
    id_number = UpperCharField(
        label="身份证号码",
        max_length=18,
        validators=[identity_validator(check_id_number)],
        error_messages={"required": "请填写身份证号码"},
        widget=forms.TextInput(
            attrs={"class": "form-control", "data-check": "id_number", "autocomplete": "off"}
        ),
    )
    name = forms.CharField(
        label="姓名",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "tel"}),
    )


class CaseMoveForm(forms.Form):
    """A move on one's own case (submit, supply, withdraw): its request key and, to withdraw,
    an optional reason."""

    key = RequestKeyField(40)
    reason = FreeText(label="撤回原因")


class MaterialMoveForm(forms.Form):
    """Upload (the file comes in request.FILES), reuse a file on record, or remove."""

    action = forms.CharField(required=False)
    reuse = forms.CharField(required=False, strip=False)
    key = RequestKeyField(40)


class ControlsForm(forms.Form):
    """A page's buttons (`action`) and request key, beside its own form's fields."""

    action = forms.CharField(required=False)
    key = RequestKeyField(40)
