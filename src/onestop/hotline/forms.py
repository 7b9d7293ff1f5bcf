"""Forms of the hotline pages: they parse; the actions decide."""

from __future__ import annotations

from django import forms

from onestop.hotline.models import Callback, Kind, Ticket, Urgency
from onestop.hotline.rules import NewTicket
from onestop.org.models import Department, Region


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
        label="主办部门", queryset=Department.objects.order_by("kind", "pk")
    )
    co = forms.ModelMultipleChoiceField(
        label="协办部门", queryset=Department.objects.order_by("kind", "pk"), required=False
    )
    note = forms.CharField(label="派单意见", max_length=500, required=False)


class CallbackForm(forms.Form):
    resolution = forms.ChoiceField(
        label="解决情况", choices=Callback.Resolution.choices, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label="满意度", choices=Callback.Satisfaction.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="回访记录", max_length=1000, required=False)


STATUS_FILTER = [("", "全部状态"), *Ticket.Status.choices]
