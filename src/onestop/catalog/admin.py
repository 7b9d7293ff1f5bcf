"""The catalog in the admin: drafts are edited here, published versions are read-only.

Publishing and new versions go through the actions; the Excel import and export are admin views
linked from the item list.
"""

from __future__ import annotations

import io
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from onestop.catalog import actions
from onestop.catalog.excel import CatalogImportError, export_bytes, import_catalog
from onestop.catalog.models import LifeEvent, Material, ServiceItem, Step
from onestop.catalog.schema import (
    CATEGORY_LABELS,
    CatalogError,
    check_item_dict,
    join_words,
    split_words,
    text_problem,
)
from onestop.org.admin import DepartmentAdmin
from onestop.org.models import Department

MAX_UPLOAD = 20 * 1024 * 1024


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # admin views only run for a logged-in staff user


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "theme", "order", "keywords")
    list_filter = ("theme",)
    list_editable = ("order",)
    search_fields = ("name", "key")


class LevelFilter(admin.SimpleListFilter):
    title = "受理层级"
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("district", "区级"), ("street", "街道/镇"), ("community", "社区/村")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value in ("district", "street", "community"):
            return queryset.filter(**{f"at_{value}": True})
        return queryset


class _FrozenInline:
    """An inline that cannot be changed on a published or superseded version."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and obj.is_frozen) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and obj.is_frozen) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class MaterialFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            name = (form.cleaned_data.get("name") or "").strip()
            if name in seen:
                form.add_error("name", "与前面的材料同名")
            seen.add(name)


class StepFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        total = sum(
            form.cleaned_data.get("days") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        promised = self.instance.promised_limit or 0
        if total > promised:
            raise forms.ValidationError(f"各环节时限合计（{total}）超过承诺时限（{promised}）")


class MaterialInline(_FrozenInline, admin.TabularInline):
    model = Material
    formset = MaterialFormSet
    extra = 0
    fields = ("order", "name", "required", "form", "count", "tolerance", "note")


class StepInline(_FrozenInline, admin.TabularInline):
    model = Step
    formset = StepFormSet
    extra = 0
    fields = ("order", "name", "role", "days")


# Where a problem with a key of the item dict is shown on the admin form.
_FORM_FIELDS = {
    "levels": "at_district",
    "themes": "for_person",
    "form": "form_schema",
}


class ServiceItemForm(forms.ModelForm):
    class Meta:
        model = ServiceItem
        fields = [
            "code",
            "name",
            "aliases",
            "keywords",
            "category",
            "department",
            "co_departments",
            "legal_basis",
            "statutory_limit",
            "promised_limit",
            "certificate_years",
            "kind",
            "fees",
            "at_district",
            "at_street",
            "at_community",
            "online_depth",
            "for_person",
            "for_enterprise",
            "life_events",
            "on_site_visits",
            "form_schema",
        ]

    def clean(self) -> dict[str, Any]:
        """The same rules as the item dict, for the fields on this form."""
        data = super().clean() or {}
        if self.errors:
            return data
        code = data.get("code", self.instance.code) or ""
        if not self.instance.pk:
            problem = text_problem(code.strip(), max_length=80, code=True)
            if problem:
                self.add_error("code", problem)
            elif ServiceItem.objects.filter(code=code.strip()).exists():
                self.add_error("code", "该编码已存在：请在已有事项上“新建版本”")
        item = {
            "code": code.strip() or "x",
            "name": data.get("name", ""),
            "aliases": split_words(data.get("aliases", "")),
            "keywords": split_words(data.get("keywords", "")),
            "category": CATEGORY_LABELS.get(data.get("category", ""), ""),
            "department": data["department"].key if data.get("department") else "",
            "co_departments": [d.key for d in data.get("co_departments", [])],
            "legal_basis": data.get("legal_basis", ""),
            "statutory_limit": data.get("statutory_limit", 0),
            "promised_limit": data.get("promised_limit", 0),
            "certificate_years": data.get("certificate_years", 0),
            "kind": data.get("kind", ""),
            "fees": data.get("fees", ""),
            "levels": [lv for lv in ("district", "street", "community") if data.get(f"at_{lv}")],
            "online_depth": data.get("online_depth", 3),
            "themes": [
                t
                for t, f in (("person", "for_person"), ("enterprise", "for_enterprise"))
                if data.get(f)
            ],
            "life_events": [e.key for e in data.get("life_events", [])],
            "on_site_visits": data.get("on_site_visits", 0),
            "form": data.get("form_schema", []),
            "status": ServiceItem.Status.DRAFT.value,  # completeness is checked on publishing
        }
        clean, problems = check_item_dict(item)
        for key in ("aliases", "keywords"):  # stored as the item dict writes them
            data[key] = join_words(clean.get(key, []))
        for p in problems:
            key = str(p.path[0]) if p.path else ""
            field = _FORM_FIELDS.get(key, key)
            message = str(p) if len(p.path) > 1 else p.message
            self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    form = ServiceItemForm
    list_display = (
        "name",
        "code",
        "version",
        "status",
        "category",
        "department",
        "kind",
        "promised_limit",
        "levels",
    )
    list_display_links = ("name", "code")
    list_filter = ("status", "department", "category", "kind", LevelFilter)
    search_fields = ("name", "code")
    list_select_related = ("department",)
    filter_horizontal = ("co_departments", "life_events")
    inlines = [MaterialInline, StepInline]
    actions = ["publish_selected", "new_version_selected"]
    fieldsets = [
        (None, {"fields": ("code", "version", "status", "name", "category", "department")}),
        (
            "搜索用词",
            {
                "fields": ("aliases", "keywords"),
                "description": "多个词用顿号“、”分隔，如：低保、最低生活保障；"
                "居民在办事指南里输入这些词也能找到本事项。",
            },
        ),
        (
            "依据与时限",
            {
                "fields": (
                    "legal_basis",
                    "kind",
                    "statutory_limit",
                    "promised_limit",
                    "certificate_years",
                )
            },
        ),
        (
            "办理方式",
            {
                "fields": (
                    ("at_district", "at_street", "at_community"),
                    "online_depth",
                    "on_site_visits",
                    "fees",
                    "co_departments",
                )
            },
        ),
        ("服务对象与分类", {"fields": (("for_person", "for_enterprise"), "life_events")}),
        ("申请表（一事一表）", {"fields": ("form_schema",)}),
        ("发布", {"fields": ("published_at", "created_at")}),
    ]

    @admin.display(description="受理层级")
    def levels(self, obj: ServiceItem) -> str:
        return "、".join(obj.levels_display)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = ("version", "status", "published_at", "created_at")
        return fields if obj is None else ("code", *fields)

    # A published or superseded version is frozen: the change page shows it read-only.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and obj.is_frozen) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        if obj.pk and ServiceItem.objects.filter(pk=obj.pk, status__in=ServiceItem.FROZEN).exists():
            raise PermissionDenied  # the row became frozen after the form was shown
        if not change:
            obj.code = obj.code.strip()
            obj.version = 1
            obj.status = ServiceItem.Status.DRAFT
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        actions.note_draft_edited(
            form.instance, actor=_user(request), now=timezone.now(), created=not change
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        item = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if item is not None:
            context["versions"] = ServiceItem.objects.filter(code=item.code).order_by("-version")
            context["item_changes"] = item.changes.select_related("actor")
            context["can_start_version"] = (
                item.status == ServiceItem.Status.PUBLISHED and self._can_write(request)
            )
            context["can_publish"] = not item.is_frozen and self._can_write(request)
        return super().change_view(request, object_id, form_url, context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = dict(extra_context or {})
        context["can_import"] = self._can_write(request)
        return super().changelist_view(request, context)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="catalog_serviceitem_import"),
            path("export/", view(self.export_view), name="catalog_serviceitem_export"),
            path(
                "<path:object_id>/new-version/",
                view(require_POST(self.new_version_view)),
                name="catalog_serviceitem_new_version",
            ),
            path(
                "<path:object_id>/publish/",
                view(require_POST(self.publish_view)),
                name="catalog_serviceitem_publish",
            ),
            *super().get_urls(),
        ]

    def _can_write(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def _change_url(self, item: ServiceItem) -> str:
        return reverse("admin:catalog_serviceitem_change", args=[item.pk])

    def new_version_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self._can_write(request):
            raise PermissionDenied
        item = get_object_or_404(ServiceItem, pk=object_id)
        try:
            draft = actions.start_new_version(item, actor=_user(request), now=timezone.now())
        except CatalogError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            open_draft = ServiceItem.objects.filter(
                code=item.code, status__in=[ServiceItem.Status.DRAFT, ServiceItem.Status.INCOMPLETE]
            ).first()
            return HttpResponseRedirect(self._change_url(open_draft or item))
        self.message_user(request, f"已新建第{draft.version}版草稿，修改后请点击“发布”。")
        return HttpResponseRedirect(self._change_url(draft))

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self._can_write(request):
            raise PermissionDenied
        item = get_object_or_404(ServiceItem, pk=object_id)
        try:
            actions.publish_item(item, actor=_user(request), now=timezone.now())
        except CatalogError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"已发布“{item.name}”第{item.version}版。")
        return HttpResponseRedirect(self._change_url(item))

    @admin.action(description="发布所选草稿")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        if not self._can_write(request):
            raise PermissionDenied
        done = 0
        for item in queryset:
            try:
                actions.publish_item(item, actor=_user(request), now=timezone.now())
            except CatalogError as exc:
                self.message_user(request, f"{item.code}：{exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"已发布 {done} 个事项。")

    @admin.action(description="为所选已发布事项新建版本（草稿）")
    def new_version_selected(
        self, request: HttpRequest, queryset: QuerySet[ServiceItem]
    ) -> HttpResponse | None:
        if not self._can_write(request):
            raise PermissionDenied
        drafts = []
        for item in queryset:
            try:
                drafts.append(
                    actions.start_new_version(item, actor=_user(request), now=timezone.now())
                )
            except CatalogError as exc:
                self.message_user(request, f"{item.code}：{exc}", messages.ERROR)
        if len(drafts) == 1:
            return HttpResponseRedirect(self._change_url(drafts[0]))
        if drafts:
            self.message_user(request, f"已新建 {len(drafts)} 个草稿版本。")
        return None

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self._can_write(request):
            raise PermissionDenied
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "导入事项目录",
        }
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                context["summary"] = import_catalog(
                    upload.read(), actor=_user(request), now=timezone.now()
                )
            except CatalogImportError as exc:
                context["error"] = exc.message
                context["rows"] = exc.rows
            except CatalogError as exc:
                context["error"] = str(exc)
            context["filename"] = upload.name
        context["form"] = form
        request.current_app = self.admin_site.name
        status = 400 if "error" in context else 200
        return TemplateResponse(
            request, "admin/catalog/serviceitem/import.html", context, status=status
        )

    def export_view(self, request: HttpRequest) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        name = f"事项目录-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(io.BytesIO(export_bytes()), as_attachment=True, filename=name)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="文件",
        help_text=(
            "完整目录（本系统导出的 .xlsx），"
            "或含“部门、事项名称、事项编码”列的清单（.xlsx 或 UTF-8 编码的 .csv）"
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("文件不能超过 20 MB")
        return upload


admin.site.unregister(Department)


@admin.register(Department)
class DepartmentWithItemsAdmin(DepartmentAdmin):
    """org's department admin, plus what the catalog (a layer above org) needs of it."""

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        if change and {"name", "short_name"} & set(form.changed_data):
            # The guide's search text carries department names.
            actions.reindex_items(
                ServiceItem.objects.filter(Q(department=obj) | Q(co_departments=obj))
                .select_related("department")
                .prefetch_related("co_departments", "materials")
                .distinct()
            )
