"""The forms of the trading pages: each move's fields, parsed with a Chinese message for every
bad value. The rules themselves stay in the actions; a form only turns text into values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import QueryDict

from onestop.draws.models import DrawPick
from onestop.org.models import Applicant
from onestop.trading.models import CreditRecord, Kind, Lot, Objection, Project
from onestop.trading.queries import opened_bids

YES_NO = [("yes", "是"), ("no", "否")]


class MoneyField(forms.DecimalField):
    """An amount as people type it: thousands separated by commas."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        message = f"{label}应为数字"
        super().__init__(
            label=label,
            error_messages={"required": f"请填写{label}", "invalid": message},
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace(",", "").strip()
        return super().to_python(value)


def when(label: str, *, required: bool = True) -> forms.DateTimeField:
    """A moment in the centre's zone (ISO, with a T or a space; an offset if one is given)."""
    return forms.DateTimeField(
        label=label,
        required=required,
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"{label}格式应为 YYYY-MM-DD HH:MM",
        },
    )


def day(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=["%Y-%m-%d"],
        error_messages={"required": f"请填写{label}", "invalid": f"{label}格式应为 YYYY-MM-DD"},
    )


def whole(label: str, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        error_messages={"required": f"请填写{label}", "invalid": f"{label}应为整数"},
    )


def free_text(label: str, *, required: bool = False) -> forms.CharField:
    """Free text; an empty one is for the action to refuse with its own reason."""
    return forms.CharField(label=label, required=required, strip=False)


def one_of(label: str, message: str) -> forms.ModelChoiceField:
    """A row of the project's, named by its id (its queryset comes from `MoveForm.choices`)."""
    return forms.ModelChoiceField(
        label=label,
        queryset=Project.objects.none(),
        error_messages={"required": message, "invalid_choice": message},
    )


class MoveForm(forms.Form):
    """The fields of one move on one project. `target()` is what the action acts on (the project,
    or one of its objections or complaints) and `values()` the action's keyword arguments."""

    target_field = ""  # a field naming the object acted on, when it is not the project

    def __init__(self, data: Any, *, project: Project, user: User) -> None:
        super().__init__(data)
        self.project, self.user = project, user
        for name, rows in self.choices().items():
            self.fields[name].queryset = rows  # type: ignore[attr-defined]

    def choices(self) -> dict[str, QuerySet[Any]]:
        """The rows a choice field may name: the project's own."""
        return {}

    def target(self) -> Any:
        return self.cleaned_data[self.target_field] if self.target_field else self.project

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != self.target_field}


class NoFields(MoveForm):
    """A move with nothing to fill in (submit, award, …)."""


class AnnounceForm(MoveForm):
    bid_deadline = when("投标截止时间")
    officers = forms.ModelMultipleChoiceField(
        label="开标人员",
        queryset=User.objects.all(),
        required=False,
        error_messages={"invalid_choice": "开标人员不存在", "invalid_pk_value": "开标人员不存在"},
    )
    threshold = whole("开标所需份数")


class ClarifyForm(MoveForm):
    text = free_text("澄清内容")
    new_deadline = when("新截止时间", required=False)


class ReasonForm(MoveForm):
    reason = free_text("原因")


class PassphraseForm(MoveForm):
    passphrase = free_text("口令")


class ParticipantsForm(MoveForm):
    participants = free_text("开标现场参加人")


class FreezeCommitteeForm(MoveForm):
    size = whole("委员会人数")
    experts = whole("专家人数")
    draw_at = when("抽取时间")
    randomness = free_text("公开随机源")


class SourcesForm(MoveForm):
    """The published random values, one field per source (name `source`, repeated)."""

    def values(self) -> dict[str, Any]:
        return {"sources": cast(QueryDict, self.data).getlist("source")}


class ReplaceExpertForm(MoveForm):
    pick = one_of("专家", "请选择要替换的专家")
    reason = free_text("补抽原因")

    def choices(self) -> dict[str, QuerySet[Any]]:
        return {"pick": DrawPick.objects.filter(draw_id=self.project.committee_draw_id or 0)}


class ScoresForm(MoveForm):
    """A score (blank: the bid is rejected, with a remark) and a remark per opened bid."""

    def __init__(self, data: Any, *, project: Project, user: User) -> None:
        super().__init__(data, project=project, user=user)
        self.bids = list(opened_bids(project, user))
        for bid in self.bids:
            self.fields[f"score_{bid.pk}"] = MoneyField("得分", required=False)
            self.fields[f"remark_{bid.pk}"] = free_text("意见")

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        scores: dict[int, tuple[Decimal | None, str]] = {
            b.pk: (data[f"score_{b.pk}"], data[f"remark_{b.pk}"]) for b in self.bids
        }
        return {"scores": scores}


class PublishForm(MoveForm):
    days = whole("公示天数")


class AnswerForm(MoveForm):
    target_field = "objection"
    objection = one_of("异议", "异议不存在")
    answer = free_text("答复")

    def choices(self) -> dict[str, QuerySet[Any]]:
        return {"objection": self.project.objections.all()}


class ContractForm(MoveForm):
    amount = MoneyField("合同金额")
    signed_on = day("签订日期")


class _ComplaintMove(MoveForm):
    target_field = "complaint"
    complaint = one_of("投诉", "投诉不存在")

    def choices(self) -> dict[str, QuerySet[Any]]:
        return {"complaint": self.project.complaints.all()}


class YesNoField(forms.ChoiceField):
    """A yes/no select, as a boolean (nothing chosen: no)."""

    def __init__(self, label: str) -> None:
        super().__init__(label=label, choices=YES_NO, required=False)

    def clean(self, value: Any) -> bool:
        return bool(super().clean(value) == "yes")


class AcceptComplaintForm(_ComplaintMove):
    accept = YesNoField("是否受理")
    suspend = forms.BooleanField(label="责令暂停", required=False)
    reason = free_text("不予受理理由")


class DecideComplaintForm(_ComplaintMove):
    upheld = YesNoField("投诉是否成立")
    decision = free_text("处理决定")


# The officer's other pages ------------------------------------------------------------------


class ProjectForm(forms.Form):
    code = forms.CharField(label="项目编号", max_length=40, required=False)
    title = forms.CharField(label="项目名称", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="交易类型", choices=Kind.choices, error_messages={"invalid_choice": "请选择交易类型"}
    )
    method = forms.ChoiceField(
        label="交易方式", choices=Project.Method.choices, required=False, initial="open"
    )
    compulsory = forms.BooleanField(label="依法必须招标", required=False)
    owner = forms.ModelChoiceField(
        label="招标人",
        queryset=Applicant.objects.filter(kind=Applicant.Kind.ENTERPRISE).order_by("name"),
        error_messages={"required": "请选择招标人", "invalid_choice": "请选择招标人"},
    )
    agency = forms.CharField(label="招标代理机构", max_length=200, required=False)
    budget = MoneyField("预算")
    qualification = free_text("资格条件")
    description = free_text("项目概况")
    speciality = forms.CharField(label="评标专业", max_length=60, required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        # Up to three lots, each a name and a budget; a lot without a name is no lot.
        self.lot_names = [n.strip() for n in data.getlist("lot_name")] if data else []
        for i, name in enumerate(self.lot_names):
            if name:
                self.fields[f"lot_budget_{i}"] = MoneyField("标段预算")

    def lots(self) -> list[tuple[str, Decimal]]:
        return [
            (name, self.cleaned_data[f"lot_budget_{i}"])
            for i, name in enumerate(self.lot_names)
            if name
        ]

    def clean_method(self) -> str:
        return str(self.cleaned_data["method"] or Project.Method.OPEN)


class OpeningKeyForm(forms.Form):
    passphrase = free_text("口令")
    passphrase2 = free_text("确认口令")

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("passphrase") != data.get("passphrase2"):
            self.add_error("passphrase2", "两次输入的口令不一致")
        return data


class CreditForm(forms.Form):
    subject = forms.ChoiceField(
        label="对象",
        choices=CreditRecord.Subject.choices,
        error_messages={"required": "请选择对象"},
    )
    name = forms.CharField(label="名称", max_length=200, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    kind = forms.ChoiceField(
        label="类别", choices=CreditRecord.Kind.choices, error_messages={"required": "请选择类别"}
    )
    valid_days = whole("有效天数", required=False)
    summary = free_text("事由")

    def clean_credit_code(self) -> str:
        return str(self.cleaned_data["credit_code"]).upper()


# The bidder's pages ------------------------------------------------------------------------


class BidForm(forms.Form):
    # The price goes to the action as typed: its refusal names what is wrong with it.
    price = forms.CharField(label="投标报价", required=False)
    lot = forms.ModelChoiceField(
        label="标段",
        queryset=Lot.objects.none(),
        required=False,
        error_messages={"invalid_choice": "标段不属于本项目"},
    )
    document = forms.FileField(
        label="投标文件", error_messages={"required": "请上传投标文件（PDF）"}
    )

    def __init__(self, data: Any, files: Any, *, project: Project) -> None:
        super().__init__(data, files)
        self.fields["lot"].queryset = project.lots.all()  # type: ignore[attr-defined]

    def clean_price(self) -> str:
        return str(self.cleaned_data["price"]).replace(",", "")


class ObjectionForm(forms.Form):
    text = free_text("异议内容")


class ComplaintForm(forms.Form):
    text = free_text("投诉事项")
    known_on = day("知道之日")
    objection = forms.ModelChoiceField(
        label="异议", queryset=Objection.objects.none(), required=False
    )

    def __init__(self, data: Any, *, project: Project) -> None:
        super().__init__(data)
        self.fields["objection"].queryset = project.objections.all()  # type: ignore[attr-defined]
