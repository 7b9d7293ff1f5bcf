"""The forms of the parallel window's pages: they parse what was posted; the actions judge it
(their refusals come back as DomainErrors, shown at the field they name)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from onestop.core.errors import DomainError
from onestop.org.models import Applicant, Department
from onestop.parallel.models import KeyEnterprise
from onestop.workdays.calendar import centre_zone


def refused(form: forms.Form, exc: DomainError) -> None:
    """The action's refusal, next to the field it names (else above the form)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class Texts(forms.Field):
    """Every value posted under one name (checkboxes), stripped, blanks dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return [str(v).strip() for v in values if str(v).strip()]


def text(label: str) -> forms.CharField:
    """A text the action checks, trims and cuts to length (so the form asks for nothing)."""
    return forms.CharField(label=label, required=False)


def departments_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        Department.objects.all(), label="参加部门", required=False
    )


class ProjectForm(forms.Form):
    code = text("项目代码")
    kind = text("项目类型")
    name = text("项目名称")
    owner = text("建设单位统一社会信用代码")
    investment = text("总投资（万元）")
    location = text("建设地点")
    manager = forms.ModelChoiceField(User.objects.none(), label="项目专员", required=False)

    def __init__(self, *args: Any, managers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers  # type: ignore[attr-defined]

    def clean_owner(self) -> Applicant:
        code = self.cleaned_data["owner"].strip().upper()
        owner = Applicant.objects.filter(credit_code=code, kind=Applicant.Kind.ENTERPRISE).first()
        if owner is None:
            raise forms.ValidationError("未找到该统一社会信用代码的建设单位，请先登记单位")
        return owner


class GreenForm(forms.Form):
    """A green-channel request (reason), or the leading group's decision on one."""

    decision = forms.ChoiceField(
        choices=[("", ""), ("approve", "批准"), ("reject", "不批准")], required=False
    )
    decision_no = text("领导小组批复文号")
    reason = text("申请理由")


class AcceptForm(forms.Form):
    """The one acceptance: the applicant (unless the project names it), the items, the
    materials on the desk and the merged form's fields (form_<name>)."""

    applicant = text("申请人统一社会信用代码或身份证号码")
    items = Texts(required=False)
    provided = Texts(required=False)
    key = text("")

    def __init__(self, *args: Any, fields: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.merged_fields = fields
        for f in fields:
            self.fields[f"form_{f['name']}"] = text(str(f.get("label", f["name"])))

    def clean_applicant(self) -> Applicant | None:
        code = self.cleaned_data["applicant"].strip().upper()
        if not code:
            return None
        return (
            Applicant.objects.filter(credit_code=code).first()
            or Applicant.objects.filter(id_number=code).first()
        )

    def form_data(self) -> dict[str, str]:
        return {
            f["name"]: self.cleaned_data[f"form_{f['name']}"].strip() for f in self.merged_fields
        }


class MethodForm(forms.Form):
    method = text("送达方式")


class ApprovalForm(forms.Form):
    approval = text("区政府批准文号或说明")


class OpinionForm(forms.Form):
    opinion = text("会签意见")


class JointEventForm(forms.Form):
    kind = text("联合办理方式")
    title = text("议题")
    scheduled_at = forms.CharField(label="时间", required=False)
    place = text("地点")
    departments = departments_field()

    def clean_scheduled_at(self) -> datetime:
        """The clerk's local time (a time without a zone is the centre's)."""
        raw = self.cleaned_data["scheduled_at"].strip()
        try:
            parsed = parse_datetime(raw) if raw else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError("请填写正确的时间")
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=centre_zone())
        return parsed


class JointRecordForm(forms.Form):
    """Minutes, and the numbered fields attend_<department> and conclude_<case>."""

    minutes = text("纪要")

    def numbered(self, prefix: str) -> dict[int, str]:
        """{n: value} of the posted fields named prefix + n."""
        return {
            int(k.removeprefix(prefix)): str(self.data.get(k, ""))
            for k in self.data
            if k.startswith(prefix) and k.removeprefix(prefix).isdigit()
        }


class ConsultationForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        KeyEnterprise.objects.none(),
        label="企业",
        required=False,
        error_messages={"invalid_choice": "请选择企业"},
    )
    topic = text("咨询事项")
    advice = text("辅导意见")
    departments = departments_field()

    def __init__(self, *args: Any, mine: QuerySet[KeyEnterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = mine  # type: ignore[attr-defined]

    def clean_enterprise(self) -> KeyEnterprise:
        if self.cleaned_data["enterprise"] is None:
            raise forms.ValidationError("请选择企业")
        return self.cleaned_data["enterprise"]
