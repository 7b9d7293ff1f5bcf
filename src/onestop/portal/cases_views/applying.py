"""Applying: the item's form with its materials, online (the applicant) or through an agent.

An application is written in one transaction with its files: a refused submission leaves
nothing behind.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from onestop.cases import actions, materials
from onestop.cases.channels import online_centre, online_refusal
from onestop.cases.models import Case, StoredFile
from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items
from onestop.core.errors import DomainError
from onestop.org.models import Applicant, Centre
from onestop.org.queries import is_staff_member
from onestop.portal.cases_views.common import applicant_of, current_time, sub_key, user_of
from onestop.portal.cases_views.forms import (
    ControlsForm,
    application_form,
    form_data_of,
    form_rows,
    mark_invalid,
    prefill,
)

# --- materials in the application form -----------------------------------------------------


@dataclass
class MaterialRow:
    """One material as the application form shows it."""

    index: int
    name: str
    required: bool
    tolerance: bool
    note: str
    offers: list[StoredFile]
    chosen_reuse: str = ""
    error: str = ""

    @property
    def file_input(self) -> str:
        return f"file_{self.index}"

    @property
    def reuse_input(self) -> str:
        return f"reuse_{self.index}"


@dataclass
class MaterialChoices:
    uploads: dict[str, tuple[UploadedFile, str]] = field(default_factory=dict)  # name → (file, sha)
    reuses: dict[str, StoredFile] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _material_rows(item: ServiceItem, applicant: Applicant, actor: User) -> list[MaterialRow]:
    items = list(item.materials.all())
    on_record = materials.files_on_record(applicant, [m.name for m in items], actor=actor)
    rows = []
    for i, m in enumerate(items):
        offers = on_record.get(m.name, [])
        rows.append(
            MaterialRow(
                index=i,
                name=m.name,
                required=m.required,
                tolerance=m.tolerance,
                note=m.note,
                offers=offers,
                chosen_reuse=str(offers[0].pk) if offers else "",
            )
        )
    return rows


def _read_choices(request: HttpRequest, rows: list[MaterialRow]) -> MaterialChoices:
    """The files chosen per material: a new upload (checked now) or a file on record."""
    chosen = MaterialChoices()
    for row in rows:
        upload = request.FILES.get(row.file_input)
        reuse = request.POST.get(row.reuse_input, "")
        row.chosen_reuse = reuse
        if upload is not None:
            try:
                checked = materials.check_upload(upload)
            except DomainError as exc:
                chosen.errors[row.name] = exc.message
                continue
            chosen.uploads[row.name] = (upload, checked.sha256)
        elif reuse.isdigit():
            # Only a file offered to this user (their own, or consented to an agent).
            stored = next((f for f in row.offers if f.pk == int(reuse)), None)
            if stored is None:
                chosen.errors[row.name] = "所选的存档材料不存在，请重新选择"
            else:
                chosen.reuses[row.name] = stored
    return chosen


def _check_complete(rows: list[MaterialRow], chosen: MaterialChoices) -> None:
    """On submission every required material needs a file, except those that may be 容缺."""
    for row in rows:
        has_file = row.name in chosen.uploads or row.name in chosen.reuses
        if row.required and not row.tolerance and not has_file and row.name not in chosen.errors:
            chosen.errors[row.name] = f"请上传必要材料“{row.name}”"


def _attach_chosen(
    case: Case, chosen: MaterialChoices, *, actor: User, now: datetime, key: str
) -> None:
    by_name = {m.name: m for m in case.materials.all()}
    for name, (upload, sha) in chosen.uploads.items():
        materials.attach_file(
            case, by_name[name], upload, actor=actor, now=now, key=sub_key(key, f"{name}:{sha}")
        )
    for name, stored in chosen.reuses.items():
        materials.reuse_file(
            case,
            by_name[name],
            stored,
            actor=actor,
            now=now,
            key=sub_key(key, f"{name}:reuse:{stored.pk}"),
        )


# --- apply (online and through an agent) ----------------------------------------------------


RETRY_MESSAGE = "请按提示修改标红的内容；已选择的文件需重新选择。"


@dataclass
class Application:
    """What an application page needs: who applies, where, through which channel."""

    item: ServiceItem
    applicant: Applicant
    centre: Centre
    channel: str
    action_url: str
    back_url: str


def _apply_page(
    request: HttpRequest,
    app: Application,
    *,
    form: forms.Form,
    rows: list[MaterialRow],
    **extra: Any,
) -> HttpResponse:
    mark_invalid(form)
    return render(
        request,
        "portal/cases/apply.html",
        {
            "app": app,
            "item": app.item,
            "form": form,
            "fields": form_rows(form, app.item.form_schema or []),
            "rows": rows,
            "key": request.POST.get("key") or secrets.token_urlsafe(16),
            "max_mb": materials.max_upload_bytes() // (1024 * 1024),
            **extra,
        },
        status=422 if request.method == "POST" else 200,
    )


def handle_application(request: HttpRequest, app: Application) -> HttpResponse:
    """Show the form, or create the case with its files (and submit it) in one transaction."""
    schema = app.item.form_schema or []
    rows = _material_rows(app.item, app.applicant, user_of(request))
    if request.method != "POST":
        form = application_form(schema, initial=prefill(schema, app.applicant))
        return _apply_page(request, app, form=form, rows=rows)
    form = application_form(schema, data=request.POST)
    chosen = _read_choices(request, rows)
    controls = ControlsForm(request.POST)
    controls.is_valid()  # optional fields
    submit = controls.cleaned_data["action"] == "submit"
    valid = form.is_valid()
    if submit:
        _check_complete(rows, chosen)
    for row in rows:
        row.error = chosen.errors.get(row.name, "")
    if not valid or chosen.errors:
        return _apply_page(
            request,
            app,
            form=form,
            rows=rows,
            error=RETRY_MESSAGE,
        )
    actor, now, key = user_of(request), current_time(), controls.cleaned_data["key"]
    try:
        with materials.files_kept_only_on_success(), transaction.atomic():
            case = actions.create_case(
                actions.NewCase(
                    item=app.item,
                    applicant=app.applicant,
                    channel=app.channel,
                    centre=app.centre,
                    form_data=form_data_of(form),
                ),
                actor=actor,
                now=now,
                key=key,
            )
            _attach_chosen(case, chosen, actor=actor, now=now, key=key)
            if submit:
                actions.submit_case(case, actor=actor, now=now, key=sub_key(key, "submit"))
    except DomainError as exc:
        return _apply_page(request, app, form=form, rows=rows, error=exc.message)
    if submit:
        messages.success(
            request,
            f"申请已提交，办件编号 {case.number}，查询码 {case.query_code}。"
            "窗口将在 5 个工作日内完成预审。",
        )
    else:
        messages.info(request, f"已保存草稿（办件编号 {case.number}），可继续上传材料后提交。")
    return redirect("portal:case_detail", pk=case.pk)


def live_item(code: str) -> ServiceItem:
    item = (
        live_items()
        .select_related("department", "department__region")
        .prefetch_related("materials")
        .filter(code=code)
        .first()
    )
    if item is None:
        raise Http404("事项不存在")
    return item


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """在线申请: the item's form and its materials, by the applicant themself."""
    item = live_item(code)
    applicant = applicant_of(user_of(request))
    refusal = online_refusal(item)
    centre = online_centre(item)
    if applicant is None and not is_staff_member(request.user):
        # An account holds a number (and applies under it) only once it has proven it.
        messages.error(request, "网上申请须先完成实名核验。")
        return redirect("org:identity")
    if applicant is None:
        refusal = "只有注册的申请人可以网上申请；工作人员请使用工作台受理。"
    elif centre is None:
        refusal = "尚未设置受理网上申请的政务服务中心"
    if refusal or applicant is None or centre is None:
        messages.error(request, refusal)
        return redirect("portal:item", code=item.code)
    app = Application(
        item=item,
        applicant=applicant,
        centre=centre,
        channel=Case.Channel.ONLINE,
        action_url=reverse("portal:apply", args=[item.code]),
        back_url=reverse("portal:item", args=[item.code]),
    )
    return handle_application(request, app)
