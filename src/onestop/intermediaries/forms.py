"""Forms of the marketplace: the owner's own draw (企业自行抽取), where what is typed is kept
and every problem shown next to its field, and the other moves of owners, intermediaries and
the centre."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from onestop.intermediaries.models import Intermediary, Need, Service
from onestop.org.models import Applicant
from onestop.trading.forms import MoneyField


class FreezeDrawForm(forms.Form):
    draw_at = forms.DateTimeField(
        label="抽取时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="须晚于现在：随机源要在名单冻结之后才产生",
        error_messages={"required": "请填写抽取时间", "invalid": "抽取时间格式不正确"},
    )
    randomness = forms.CharField(
        label="公开随机源",
        max_length=300,
        help_text="写明彩票种类和期号，如“福彩3D第2026318期开奖号码”",
        error_messages={"required": "请写明将使用的公开随机源"},
    )

    def clean_draw_at(self) -> Any:
        draw_at = self.cleaned_data["draw_at"]
        if draw_at <= timezone.now():
            raise forms.ValidationError("抽取时间必须晚于现在（随机源须在冻结名单之后产生）")
        return draw_at


class SourcesForm(forms.Form):
    """Up to three random sources, each one field: numbers separated by spaces or commas,
    or, for digits drawn in order (福彩3D), written as one number such as 371."""

    source_1 = forms.CharField(
        label="随机源一",
        max_length=200,
        error_messages={"required": "请至少填写一个随机源的开奖号码"},
    )
    source_2 = forms.CharField(label="随机源二", max_length=200, required=False)
    source_3 = forms.CharField(label="随机源三", max_length=200, required=False)

    def sources(self) -> list[str]:
        return [self.cleaned_data[f"source_{i}"] for i in (1, 2, 3)]


class RegisterForm(forms.Form):
    """An enterprise lists itself; name and code default to its own account's."""

    name = forms.CharField(label="机构名称", max_length=200, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    services = forms.MultipleChoiceField(label="服务类型", choices=Service.choices, required=False)
    qualifications = forms.CharField(label="资质", required=False)
    service_areas = forms.CharField(label="服务区域", max_length=200, required=False)
    prices = forms.CharField(label="收费标准", required=False)
    contact = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="电话", max_length=30, required=False)


class NeedForm(forms.Form):
    service = forms.CharField(label="服务类型", required=False)
    title = forms.CharField(label="服务事项", max_length=200, required=False)
    description = forms.CharField(label="说明", required=False)
    budget = MoneyField("金额")
    method = forms.CharField(label="选取方式", required=False)
    quote_days = forms.IntegerField(
        label="报价期（天）", required=False, error_messages={"invalid": "报价期应为整数"}
    )
    case_number = forms.CharField(label="办件编号", max_length=40, required=False)
    project_code = forms.CharField(label="交易项目编号", max_length=40, required=False)

    def clean_quote_days(self) -> int:
        return int(self.cleaned_data["quote_days"] or 0)


class NeedMoveForm(forms.Form):
    """The fields of one move on a need; its cleaned data are the action's keywords."""

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.user = user


class DirectForm(NeedMoveForm):
    intermediary = forms.ModelChoiceField(
        label="中介机构",
        queryset=Intermediary.objects.all(),
        error_messages={"required": "请选择中介机构", "invalid_choice": "请选择中介机构"},
    )


class AmountForm(NeedMoveForm):
    amount = MoneyField("金额")


class QuoteForm(AmountForm):
    """An intermediary quotes for itself: the account's own listing."""

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        agency = Intermediary.objects.filter(
            account__user=self.user, account__kind=Applicant.Kind.ENTERPRISE
        ).first()
        if agency is None:
            raise forms.ValidationError("请以入驻中介机构的账号报价")
        data["intermediary"] = agency
        return data


class RateForm(NeedMoveForm):
    score = forms.IntegerField(
        label="评价", error_messages={"required": "请选择评分", "invalid": "评分应为整数"}
    )
    comment = forms.CharField(label="评价意见", required=False, strip=False)


class VerifyForm(forms.Form):
    intermediary = forms.ModelChoiceField(label="中介机构", queryset=Intermediary.objects.all())
    approve = forms.ChoiceField(label="审核结论", choices=[("yes", "通过"), ("no", "不予通过")])
    reason = forms.CharField(label="理由", required=False, strip=False)


class CheckDrawForm(forms.Form):
    need = forms.ModelChoiceField(label="需求", queryset=Need.objects.all())
