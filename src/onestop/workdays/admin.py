"""Calendar administration: hand-set days, loaded years and the year-file import page.

Every save and delete goes through the actions, so the hooks run and the rows say who did it.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from onestop.workdays import actions
from onestop.workdays.calendar import package_knows
from onestop.workdays.models import CalendarDay, CalendarYear
from onestop.workdays.schedule import (
    FIRST_YEAR,
    LAST_YEAR,
    ScheduleError,
    infer_year,
    read_schedule_file,
)

WEEKDAYS = "一二三四五六日"


def _actor(request: HttpRequest) -> User:
    # The admin site only lets signed-in staff through (admin_view), never AnonymousUser.
    return cast(User, request.user)


MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "origin", "changed_by", "changed_at"]
    list_filter = ["kind", ("schedule", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name"]

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return f"星期{WEEKDAYS[obj.date.weekday()]}"

    @admin.display(description="来源")
    def origin(self, obj: CalendarDay) -> str:
        return "手工设置" if obj.is_local else f"{obj.schedule} 节假日安排"

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        if change and "date" in form.changed_data:
            # Moving an override to another date frees the old one as well.
            old = CalendarDay.objects.get(pk=obj.pk)
            actions.remove_calendar_day(old, actor=_actor(request), now=timezone.now())
        saved = actions.set_calendar_day(
            obj.date, obj.kind, obj.name, actor=_actor(request), now=timezone.now()
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        actions.remove_calendar_day(obj, actor=_actor(request), now=timezone.now())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="日程文件", help_text="CSV 或 .xlsx，列：日期、类型（休/班）、名称"
    )
    year = forms.IntegerField(
        label="年份",
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text="留空则取文件中日期的年份",
    )
    name = forms.CharField(label="依据", max_length=200, required=False)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件不能超过 2 MB")
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("只支持 CSV 或 .xlsx 文件")
        return f


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "holiday_count", "workday_count", "loaded_at", "loaded_by"]
    readonly_fields = ["year", "loaded_at", "loaded_by"]
    fields = ["year", "name", "loaded_at", "loaded_by"]
    change_list_template = "admin/workdays/calendaryear/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        return (
            super()
            .get_queryset(request)
            .select_related("loaded_by")
            .annotate(
                n_off=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
                n_work=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
            )
        )

    @admin.display(description="休", ordering="n_off")
    def holiday_count(self, obj: Any) -> int:
        return int(obj.n_off)

    @admin.display(description="班", ordering="n_work")
    def workday_count(self, obj: Any) -> int:
        return int(obj.n_work)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a year is added by importing its file (import_view)

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        actions.remove_year_schedule(obj, actor=_actor(request), now=timezone.now())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="workdays_calendaryear_import",
            )
        ]
        return extra + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": self.can_import(request)}
        return super().changelist_view(request, extra_context)

    def can_import(self, request: HttpRequest) -> bool:
        return request.user.has_perm("workdays.add_calendaryear") and request.user.has_perm(
            "workdays.add_calendarday"
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a year's file: load it whole, or list every bad row and import nothing."""
        if not self.can_import(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_schedule_file(upload, upload.name)
                year = form.cleaned_data["year"] or infer_year(rows)
                if year is None:
                    form.add_error("year", "无法从文件判断年份（日期跨年或无法识别），请填写年份")
                else:
                    result = actions.load_year_schedule(
                        year,
                        rows,
                        actor=_actor(request),
                        now=timezone.now(),
                        name=form.cleaned_data["name"],
                    )
                    self._report_loaded(request, year, result)
                    return HttpResponseRedirect(reverse("admin:workdays_calendaryear_changelist"))
            except ScheduleError as exc:
                errors = [str(e) for e in exc.errors]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "导入年度节假日安排",
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/workdays/calendaryear/import.html", context)

    def _report_loaded(self, request: HttpRequest, year: int, result: actions.LoadedYear) -> None:
        off = sum(1 for d in result.days if d.kind == CalendarDay.Kind.HOLIDAY)
        text = f"已载入 {year} 年节假日安排：休 {off} 天，班 {len(result.days) - off} 天。"
        if result.replaced:
            text += f"替换了先前载入的 {result.replaced} 条。"
        if result.kept:
            kept = "、".join(f"{k.date:%Y-%m-%d}" for k in result.kept)
            text += f"以下日期已有手工设置，予以保留：{kept}。"
        messages.success(request, text)
        if package_knows(year):
            messages.warning(
                request, f"chinesecalendar 已包含 {year} 年数据，文件中的日期优先于它。"
            )
