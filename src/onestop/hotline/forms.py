"""Forms of the hotline pages: they parse; the actions decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.dateparse import parse_date

from onestop.hotline.actions import ArticleData
from onestop.hotline.models import Callback, Kind, Ticket, Urgency
from onestop.hotline.rules import NewTicket
from onestop.org.models import Department, Region


def _required(label: str, message: str) -> dict[str, Any]:
    return {"label": label, "error_messages": {"required": message, "invalid_choice": message}}


def region_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Streets/towns with their communities, for a grouped select."""
    streets = Region.objects.filter(level=Region.Level.STREET).order_by("code")
    groups: list[tuple[str, list[tuple[int, str]]]] = []
    for street in streets:
        options = [(street.pk, f"{street.name}（全街道/镇）")]
        options += [(c.pk, c.name) for c in street.children.order_by("code")]
        groups.append((street.name, options))
    return groups


class TicketForm(forms.Form):
    kind = forms.ChoiceField(label="诉求类型", choices=Kind.choices)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    caller_phone = forms.CharField(label="来电号码", max_length=20, required=False)
    caller_name = forms.CharField(label="来电人", max_length=50, required=False)
    anonymous = forms.BooleanField(label="匿名（不向承办部门透露来电人）", required=False)
    content = forms.CharField(label="诉求内容", max_length=4000, widget=forms.Textarea)
    address = forms.CharField(label="事发地址", max_length=200, required=False)
    region = forms.TypedChoiceField(
        label="所在街道/社区", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region"].choices = [("", "—— 请选择 ——"), *region_choices()]  # type: ignore[attr-defined]

    def new_ticket(self, channel: str) -> NewTicket:
        d = self.cleaned_data
        region = Region.objects.filter(pk=d["region"]).first() if d.get("region") else None
        return NewTicket(
            kind=d["kind"],
            urgency=d["urgency"],
            content=d["content"],
            channel=channel,
            caller_name=d["caller_name"],
            caller_phone=d["caller_phone"],
            anonymous=d["anonymous"],
            address=d["address"],
            region=region,
        )


class PublicTicketForm(TicketForm):
    """The portal's form: no urgency (the centre sets it)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["urgency"]
        self.fields["caller_phone"].label = "手机号码"
        self.fields["caller_name"].label = "姓名"
        self.fields["anonymous"].label = "匿名反映"

    def new_ticket(self, channel: str) -> NewTicket:
        self.cleaned_data["urgency"] = Urgency.NORMAL
        return super().new_ticket(channel)


class DispatchForm(forms.Form):
    lead = forms.ModelChoiceField(
        queryset=Department.objects.order_by("kind", "pk"),
        **_required("主办部门", "请选择主办部门"),
    )
    co = forms.ModelMultipleChoiceField(
        label="协办部门", queryset=Department.objects.order_by("kind", "pk"), required=False
    )
    note = forms.CharField(label="派单意见", max_length=500, required=False)


class CallbackForm(forms.Form):
    resolution = forms.ChoiceField(
        choices=Callback.Resolution.choices,
        widget=forms.RadioSelect,
        **_required("解决情况", "请选择解决情况"),
    )
    satisfaction = forms.ChoiceField(
        choices=Callback.Satisfaction.choices,
        widget=forms.RadioSelect,
        **_required("满意度", "请选择满意度"),
    )
    note = forms.CharField(label="回访记录", max_length=1000, required=False)


STATUS_FILTER = [("", "全部状态"), *Ticket.Status.choices]


# --- the staff moves: each form parses one move's fields; the action checks them --------------


class MoveForm(forms.Form):
    """A move posted from a staff page, with its request key (a repeat does nothing)."""

    key = forms.CharField(required=False)

    @property
    def request_key(self) -> str:
        return str(self.cleaned_data.get("key") or "")[:64]


class AnswerForm(MoveForm):
    answer = forms.CharField(label="答复内容", required=False)


class ReasonForm(MoveForm):
    """退单, 重办 and 提请督办: a reason the action requires."""

    reason = forms.CharField(label="理由", required=False)


class ReplyForm(MoveForm):
    reply = forms.CharField(label="办理结果", required=False)


class ExtensionRequestForm(MoveForm):
    days = forms.IntegerField(label="延长工作日", required=False)
    reason = forms.CharField(label="延期理由", required=False)


class ExtensionDecisionForm(MoveForm):
    extension = forms.IntegerField(required=False)
    note = forms.CharField(label="审批意见", required=False)


class MergeForm(MoveForm):
    into = forms.ModelChoiceField(
        queryset=Ticket.objects.none(), **_required("合并到", "请选择要合并到的工单")
    )

    def __init__(self, *args: Any, tickets: QuerySet[Ticket], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = tickets  # type: ignore[attr-defined]


class DispatchMoveForm(MoveForm, DispatchForm):
    pass


class CallbackMoveForm(MoveForm, CallbackForm):
    pass


class EscalationForm(forms.Form):
    """The leaders' queue: which escalation, and which of its two moves."""

    escalation = forms.IntegerField(required=False)
    move = forms.CharField(required=False)


class InstructForm(forms.Form):
    instruction = forms.CharField(label="批示内容", required=False)
    officer = forms.ModelChoiceField(
        queryset=User.objects.all(), **_required("督办人", "请选择督办人")
    )


class FollowForm(forms.Form):
    note = forms.CharField(label="督办情况", required=False)
    finish = forms.BooleanField(required=False)

    def clean_finish(self) -> bool:
        return self.data.get("finish") == "1"


class SuggestForm(forms.Form):
    """The console's live hints while the operator types (over-long input is cut, not refused)."""

    content = forms.CharField(required=False, strip=False)
    address = forms.CharField(required=False, strip=False)
    region = forms.IntegerField(required=False)

    def clean_content(self) -> str:
        return str(self.cleaned_data["content"])[:4000]

    def clean_address(self) -> str:
        return str(self.cleaned_data["address"])[:200]


class ArticleForm(forms.Form):
    """A department's knowledge-base article. A review period or an expiry date that does not
    parse falls back to the default (180 days, no expiry), as the page always did."""

    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), **_required("维护部门", "请选择维护部门")
    )
    title = forms.CharField(label="标题", required=False)
    body = forms.CharField(label="答复口径", required=False)
    keywords = forms.CharField(label="关键词", required=False)
    review_days = forms.CharField(label="多少天后复核", required=False, initial="180")
    expires_on = forms.CharField(label="失效日期", required=False)

    def __init__(
        self, *args: Any, departments: QuerySet[Department], fixed: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if fixed:  # an existing article stays with its department
            del self.fields["department"]
        else:
            self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    def clean_review_days(self) -> int:
        raw = str(self.cleaned_data.get("review_days") or "")
        return int(raw) if raw.isdigit() else 180

    def clean_expires_on(self) -> date | None:
        try:
            return parse_date(str(self.cleaned_data.get("expires_on") or ""))
        except ValueError:
            return None

    def article_data(self) -> ArticleData:
        d = self.cleaned_data
        return ArticleData(d["title"], d["body"], d["keywords"], d["review_days"], d["expires_on"])


class MonthForm(forms.Form):
    """?month=YYYY-MM of the metrics page; anything else is the current month."""

    month = forms.RegexField(regex=r"^\d{4}-\d{1,2}$", required=False)

    def year_month(self, today: date) -> tuple[int, int]:
        if self.is_valid() and self.cleaned_data["month"]:
            year, month = (int(x) for x in self.cleaned_data["month"].split("-"))
            if 2000 <= year <= 2100 and 1 <= month <= 12:
                return year, month
        return today.year, today.month
