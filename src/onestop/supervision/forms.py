"""Forms of the supervision pages: they parse and scope what was typed; the actions decide."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from onestop.cases.models import Case
from onestop.cases.queries import cases_for_user
from onestop.org.models import Department, Region, Window
from onestop.org.queries import regions_in_scope
from onestop.supervision.actions import DEFAULT_RECTIFY_DAYS, MAX_RECTIFY_DAYS
from onestop.supervision.models import Alert, Card, Rectification, Violation
from onestop.supervision.periods import month_bounds
from onestop.supervision.queries import alerts_for_user, violations_for_user

MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def departments_in_scope(user: User) -> QuerySet[Department]:
    return Department.objects.filter(region__in=regions_in_scope(user)).order_by("kind", "pk")


def window_choices(departments: QuerySet[Department]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Windows grouped by department, each named with its centre (so no two look alike)."""
    groups: dict[int, list[tuple[int, str]]] = {}
    names = {d.pk: d.short_name or d.name for d in departments}
    rows = (
        Window.departments.through.objects.filter(department__in=departments)
        .select_related("window__zone__centre")
        .order_by("department_id", "window__zone__centre_id", "window__number")
    )
    for row in rows:
        w = row.window
        label = f"{w.zone.centre.name} {w.number}号窗口（{w.name}）"
        groups.setdefault(row.department_id, []).append((w.pk, label))
    return [(names[d], options) for d, options in groups.items()]


class CardForm(forms.Form):
    """Issue a card: by case number (编号), from an alert or violation row, or to a department."""

    colour = forms.ChoiceField(
        label="类别", choices=Card.Colour.choices, initial="yellow", widget=forms.RadioSelect
    )
    case_number = forms.CharField(
        label="相关办件编号（可选）",
        max_length=32,
        required=False,
        help_text="如 510403-20261202-0001；填写后部门默认为该办件的主办部门",
    )
    department = forms.ModelChoiceField(
        label="部门",
        queryset=Department.objects.none(),
        required=False,
        error_messages={"invalid_choice": "请选择部门：该部门不在您的监察范围内"},
    )
    window = forms.TypedChoiceField(
        label="窗口（可选）", coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(
        label="事由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    rectify_days = forms.IntegerField(
        label="整改期限（工作日）",
        min_value=1,
        max_value=MAX_RECTIFY_DAYS,
        initial=DEFAULT_RECTIFY_DAYS,
        required=False,
        error_messages={
            "min_value": f"整改期限应为 1 至 {MAX_RECTIFY_DAYS} 个工作日",
            "max_value": f"整改期限应为 1 至 {MAX_RECTIFY_DAYS} 个工作日",
        },
    )
    alert = forms.IntegerField(required=False, widget=forms.HiddenInput)
    violation = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        departments = departments_in_scope(user)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["department"].label_from_instance = lambda d: d.name  # type: ignore[attr-defined]
        self.fields["window"].choices = [("", "不指定窗口"), *window_choices(departments)]  # type: ignore[attr-defined]

    def clean_case_number(self) -> Case | None:
        number = self.cleaned_data["case_number"].strip()
        if not number:
            return None
        case = cases_for_user(self.user).filter(number=number).first()
        if case is None:
            raise forms.ValidationError("办件编号不存在，或不在您的监察范围内")
        return case

    def clean_alert(self) -> Alert | None:
        pk = self.cleaned_data["alert"]
        if pk is None:
            return None
        alert = alerts_for_user(self.user).filter(pk=pk).first()
        if alert is None:
            raise forms.ValidationError("预警不存在")
        return alert

    def clean_violation(self) -> Violation | None:
        pk = self.cleaned_data["violation"]
        if pk is None:
            return None
        violation = violations_for_user(self.user).filter(pk=pk).first()
        if violation is None:
            raise forms.ValidationError("违规记录不存在")
        return violation

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rectify_days") is None and "rectify_days" not in self.errors:
            data["rectify_days"] = DEFAULT_RECTIFY_DAYS
        case = data.get("case_number")
        if data.get("department") is None and "department" not in self.errors:
            if (
                case is not None
                and self.fields["department"]
                .queryset.filter(  # type: ignore[attr-defined]
                    pk=case.department_id
                )
                .exists()
            ):
                data["department"] = case.department
            else:
                self.add_error("department", "请选择部门（或填写办件编号）")
        window_id = data.get("window")
        data["window"] = None
        if window_id is not None and data.get("department") is not None:
            window = Window.objects.filter(pk=window_id, departments=data["department"]).first()
            if window is None:
                self.add_error("window", "该窗口不属于所选部门")
            data["window"] = window
        return data

    @classmethod
    def initial_from(cls, user: User, params: Any) -> dict[str, object]:
        """What an alert or violation row (?alert= / ?violation=) or a case (?case=) fills in."""
        initial: dict[str, object] = {"colour": "yellow", "rectify_days": DEFAULT_RECTIFY_DAYS}
        alert_id, violation_id = params.get("alert", ""), params.get("violation", "")
        if alert_id.isdigit():
            alert = alerts_for_user(user).select_related("case", "task").filter(pk=alert_id).first()
            if alert is not None:
                step = f"（{alert.task.get_kind_display()}）" if alert.task else ""
                department = alert.task.department_id if alert.task else alert.case.department_id
                initial |= {
                    "alert": alert.pk,
                    "case_number": alert.case.number,
                    "department": department,
                    "colour": "red" if alert.kind == Alert.Kind.RED else "yellow",
                    "reason": f"{alert.get_kind_display()}：办件 {alert.case.number}{step}",
                }
        elif violation_id.isdigit():
            v = violations_for_user(user).select_related("case").filter(pk=violation_id).first()
            if v is not None:
                initial |= {
                    "violation": v.pk,
                    "case_number": v.case.number,
                    "department": v.case.department_id,
                    "colour": "red",
                    "reason": f"{v.get_kind_display()}：办件 {v.case.number}，{v.detail}",
                }
        elif params.get("case", ""):
            initial["case_number"] = params["case"]
        return initial


class AnswerForm(forms.Form):
    """A department head's rectification measure (the action says when it is missing)."""

    measure = forms.CharField(label="整改措施", required=False)


class CloseForm(forms.Form):
    """A supervisor's closing note (销号意见), optional."""

    note = forms.CharField(label="销号意见", required=False)


class ReasonForm(forms.Form):
    """Withdraw or escalate a card: a reason is required."""

    reason = forms.CharField(label="理由", max_length=300)


class ListFilter(forms.Form):
    """The filters every supervision list shares: department, level, period and kind."""

    department = forms.ModelChoiceField(
        label="部门", queryset=Department.objects.none(), required=False, empty_label="全部部门"
    )
    level = forms.ChoiceField(
        label="层级", choices=[("", "全部层级"), *Region.Level.choices], required=False
    )
    month = forms.CharField(
        label="月份",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"}),
    )
    alert_kind = forms.ChoiceField(
        label="预警类型", choices=[("", "全部"), *Alert.Kind.choices], required=False
    )
    standing = forms.ChoiceField(
        label="预警状态",
        choices=[("open", "未解除"), ("closed", "已解除"), ("", "全部")],
        required=False,
    )
    violation_kind = forms.ChoiceField(
        label="违规类型", choices=[("", "全部"), *Violation.Kind.choices], required=False
    )
    colour = forms.ChoiceField(
        label="亮牌类别", choices=[("", "全部"), *Card.Colour.choices], required=False
    )
    card_status = forms.ChoiceField(
        label="整改状态", choices=[("", "全部"), *Rectification.Status.choices], required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_in_scope(user)  # type: ignore[attr-defined]

    def clean_month(self) -> tuple[datetime, datetime] | None:
        raw = self.cleaned_data["month"].strip()
        if not raw:
            return None
        match = MONTH.match(raw)
        if match is None:
            raise forms.ValidationError("月份格式应为 2026-12")
        return month_bounds(int(match[1]), int(match[2]))

    def _common(self, case_path: str, at: str, region_path: str) -> Q:
        d = self.cleaned_data
        q = Q()
        if d.get("department"):
            q &= Q(**{f"{case_path}department": d["department"]})
        if d.get("level"):
            q &= Q(**{f"{region_path}__level": d["level"]})
        if d.get("month"):
            start, end = d["month"]
            q &= Q(**{f"{at}__gte": start, f"{at}__lt": end})
        return q

    def alerts(self, qs: QuerySet[Alert]) -> QuerySet[Alert]:
        d = self.cleaned_data
        q = self._common("case__", "raised_at", "case__region")
        if d.get("alert_kind"):
            q &= Q(kind=d["alert_kind"])
        if d.get("standing") == "open":
            q &= Q(closed_at__isnull=True)
        elif d.get("standing") == "closed":
            q &= Q(closed_at__isnull=False)
        return qs.filter(q)

    def violations(self, qs: QuerySet[Violation]) -> QuerySet[Violation]:
        q = self._common("case__", "detected_at", "case__region")
        if self.cleaned_data.get("violation_kind"):
            q &= Q(kind=self.cleaned_data["violation_kind"])
        return qs.filter(q)

    def cards(self, qs: QuerySet[Card]) -> QuerySet[Card]:
        d = self.cleaned_data
        q = self._common("", "issued_at", "region")
        if d.get("colour"):
            q &= Q(colour=d["colour"])
        if d.get("card_status"):
            q &= Q(rectification__status=d["card_status"])
        return qs.filter(q)
