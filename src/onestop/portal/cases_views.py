"""The applicant's side of cases: apply online, my applications, a case's page, progress lookup,
and the community agent applying for a villager (代办).

Views are thin: parse, fetch through the scoped helpers, call the actions in
onestop.cases.actions and onestop.cases.materials, and show a domain error's Chinese message.
An application is written in one transaction with its files: a refused submission leaves
nothing behind (or, for a saved draft, the draft as it was).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases import actions, materials, workflow
from onestop.cases.errors import CaseError
from onestop.cases.lights import LABELS as LIGHT_LABELS
from onestop.cases.lights import light
from onestop.cases.models import Case, CaseEvent, CaseMaterial, StoredFile
from onestop.cases.queries import case_by_query_code, get_case_for_user
from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items, search_items
from onestop.lib.identity import (
    check_credit_code,
    check_id_number,
    check_mobile,
    mask_id_number,
)
from onestop.org.models import Applicant, Centre, Region, Role
from onestop.org.queries import staff_roles_of

S = Case.Status

# --- the item's form (一事一表) -----------------------------------------------------------------


def _identity_validator(check: Any) -> Any:
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
            validators=[_identity_validator(checks[kind])],
            widget=forms.TextInput(attrs={**control, "data-check": kind, "autocomplete": "off"}),
            **common,
        )
    if kind == "phone":
        return forms.CharField(
            max_length=11,
            validators=[_identity_validator(check_mobile)],
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


def _mark_invalid(form: forms.Form) -> None:
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
    current: StoredFile | None = None
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


def _material_rows(item: ServiceItem, applicant: Applicant) -> list[MaterialRow]:
    items = list(item.materials.all())
    on_record = materials.files_on_record(applicant, [m.name for m in items])
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


def _read_choices(
    request: HttpRequest, rows: list[MaterialRow], applicant: Applicant
) -> MaterialChoices:
    """The files chosen per material: a new upload (checked now) or a file on record."""
    chosen = MaterialChoices()
    for row in rows:
        upload = request.FILES.get(row.file_input)
        reuse = request.POST.get(row.reuse_input, "")
        row.chosen_reuse = reuse
        if upload is not None:
            try:
                checked = materials.check_upload(upload)
            except CaseError as exc:
                chosen.errors[row.name] = exc.message
                continue
            chosen.uploads[row.name] = (upload, checked.sha256)
        elif reuse.isdigit():
            stored = StoredFile.objects.filter(pk=int(reuse), applicant=applicant).first()
            if stored is None:
                chosen.errors[row.name] = "所选的存档材料不存在，请重新选择"
            else:
                chosen.reuses[row.name] = stored
    return chosen


def _check_complete(rows: list[MaterialRow], chosen: MaterialChoices) -> None:
    """On submission every required material needs a file, except those that may be 容缺."""
    for row in rows:
        has_file = row.name in chosen.uploads or row.name in chosen.reuses or row.current
        if row.required and not row.tolerance and not has_file and row.name not in chosen.errors:
            chosen.errors[row.name] = f"请上传必要材料“{row.name}”"


def _sub_key(key: str, suffix: str) -> str:
    if not key:
        return ""
    return hashlib.sha256(f"{key}:{suffix}".encode()).hexdigest()[:40]


def _attach_chosen(
    case: Case, chosen: MaterialChoices, *, actor: User, now: datetime, key: str
) -> None:
    by_name = {m.name: m for m in case.materials.all()}
    for name, (upload, sha) in chosen.uploads.items():
        materials.attach_file(
            case, by_name[name], upload, actor=actor, now=now, key=_sub_key(key, f"{name}:{sha}")
        )
    for name, stored in chosen.reuses.items():
        materials.reuse_file(
            case,
            by_name[name],
            stored,
            actor=actor,
            now=now,
            key=_sub_key(key, f"{name}:reuse:{stored.pk}"),
        )


# --- who is asking ---------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _applicant_of(user: User) -> Applicant | None:
    return Applicant.objects.filter(user=user).first()


def _now() -> datetime:
    return timezone.now()


def online_centre(item: ServiceItem) -> Centre | None:
    """Online applications are received by the district centre of the item's department."""
    district_centres = Centre.objects.filter(level=Centre.Level.DISTRICT).order_by("pk")
    return (
        district_centres.filter(region=item.department.region).first() or district_centres.first()
    )


def online_refusal(item: ServiceItem) -> str:
    """Why the item cannot be applied for online, or ''."""
    if item.online_depth < ServiceItem.OnlineDepth.ONLINE_APPLY:
        return "该事项暂不支持网上申请，请到窗口办理"
    if not item.at_district:
        return "该事项在街道/镇便民服务中心或社区代办点办理，暂不支持网上申请"
    return ""


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
    _mark_invalid(form)
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


def _handle_application(request: HttpRequest, app: Application) -> HttpResponse:
    """Show the form, or create the case with its files (and submit it) in one transaction."""
    schema = app.item.form_schema or []
    rows = _material_rows(app.item, app.applicant)
    if request.method != "POST":
        form = application_form(schema, initial=prefill(schema, app.applicant))
        return _apply_page(request, app, form=form, rows=rows)
    form = application_form(schema, data=request.POST)
    chosen = _read_choices(request, rows, app.applicant)
    submit = request.POST.get("action") == "submit"
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
            error="请按提示修改标红的内容；已选择的文件需重新选择。",
        )
    actor, now, key = _user(request), _now(), request.POST.get("key", "")[:40]
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
                actions.submit_case(case, actor=actor, now=now, key=_sub_key(key, "submit"))
    except CaseError as exc:
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


def _live_item(code: str) -> ServiceItem:
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
    item = _live_item(code)
    applicant = _applicant_of(_user(request))
    refusal = online_refusal(item)
    centre = online_centre(item)
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
    return _handle_application(request, app)


# --- my applications and a case's page --------------------------------------------------------


def _light(case: Case, now: datetime) -> tuple[str, str] | None:
    if case.status not in Case.CLOCK_RUNNING:
        return None
    colour = light(case.accepted_at, case.due_at, now)
    return (colour, LIGHT_LABELS[colour]) if colour else None


def _with_lights(cases: list[Case]) -> list[tuple[Case, tuple[str, str] | None]]:
    now = _now()
    return [(c, _light(c, now)) for c in cases]


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    """我的办件: the cases the user applied for (and, for an agent, those they filed)."""
    user = _user(request)
    own = Case.objects.filter(applicant__user=user).select_related("item", "department")
    page = Paginator(own.order_by("-created_at"), 20).get_page(request.GET.get("page"))
    filed = (
        Case.objects.filter(filed_by=user, channel=Case.Channel.AGENT)
        .select_related("item", "applicant")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "portal/cases/my_cases.html",
        {
            "page": page,
            "rows": _with_lights(list(page.object_list)),
            "filed": _with_lights(list(filed)),
            "is_agent": _is_agent(user),
        },
    )


def _party_case(request: HttpRequest, pk: int) -> Case:
    """The case, if the user is its applicant or the agent who filed it; else 404."""
    user = _user(request)
    case = get_case_for_user(user, pk)
    if case.applicant.user_id == user.pk:
        return case
    if case.channel == Case.Channel.AGENT and case.filed_by_id == user.pk:
        return case
    raise Http404("办件不存在")


# What the applicant is told in the timeline; internal steps (claims, opinions) stay inside.
EVENT_LABELS = {
    "created": "创建申请",
    "material_attached": "提交材料",
    "material_removed": "删除材料",
    "submitted": "提交申请，等待窗口预审",
    "supplement_requested": "一次性告知补正材料",
    "supplied": "补正材料已提交",
    "accepted": "已受理",
    "deemed_accepted": "逾期未告知补正，依法视为受理",
    "not_accepted": "不予受理",
    "extension_approved": "经批准延长办理期限",
    "suspended": "中止计时",
    "resumed": "恢复计时",
    "granted": "准予许可",
    "refused": "不予许可",
    "tolerated_supplied": "容缺材料已补交",
    "completed": "办结",
    "delivered": "已送达",
    "withdrawn": "撤回申请",
}


def _who(case: Case, event: CaseEvent) -> str:
    if event.actor_id is None:
        return "系统"
    if event.actor_id == case.applicant.user_id:
        return "申请人"
    if event.actor_id == case.filed_by_id:
        return "代办员"
    return case.department.short_name


def _detail(event: CaseEvent) -> str:
    data = event.data or {}
    if event.kind in ("material_attached", "material_removed"):
        return str(data.get("material", ""))
    if event.kind == "supplement_requested":
        return "、".join(data.get("missing", []))
    if event.kind in ("not_accepted", "refused"):
        return str(data.get("reasons", ""))
    if event.kind == "suspended":
        return str(data.get("note", ""))
    if event.kind == "withdrawn":
        return str(data.get("reason", ""))
    if event.kind == "tolerated_supplied":
        return str(data.get("name", ""))
    return ""


def timeline(case: Case) -> list[dict[str, Any]]:
    events = CaseEvent.objects.filter(case=case, kind__in=EVENT_LABELS).order_by("seq")
    return [
        {"at": e.at, "label": EVENT_LABELS[e.kind], "who": _who(case, e), "detail": _detail(e)}
        for e in events
    ]


# Notices the documents app serves, by the event that makes them due: (event, kind, label).
NOTICES = [
    ("accepted", "acceptance", "受理通知书"),
    ("deemed_accepted", "acceptance", "受理通知书"),
    ("supplement_requested", "supplement", "补正材料一次性告知书"),
    ("not_accepted", "not_accepted", "不予受理决定书"),
    ("granted", "decision", "准予行政许可决定书"),
    ("refused", "decision", "不予行政许可决定书"),
]


def _url_or_none(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def notice_links(case: Case) -> list[tuple[str, str]]:
    """(label, url) of the notices of the case, where the documents app serves them."""
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    for event, kind, label in NOTICES:
        if event in kinds and kind not in seen:
            url = _url_or_none("documents:notice", case.pk, kind)
            if url:
                links.append((label, url))
                seen.add(kind)
    granted = case.status in (S.GRANTED, S.COMPLETED, S.DELIVERED) and "granted" in kinds
    if granted and actions.certificate_issued(case):
        url = _url_or_none("documents:certificate_pdf", case.pk)
        if url:
            links.append(("电子证照", url))
    return links


def _can_attach(case: Case, material: CaseMaterial, user: User) -> bool:
    try:
        materials.check_may_attach(case, material, user)
    except CaseError:
        return False
    return True


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _party_case(request, pk)
    user = _user(request)
    mats = list(case.materials.select_related("file"))
    offers = materials.reuse_offers(case)
    rows = [
        {"m": m, "editable": _can_attach(case, m, user), "offers": offers.get(m.pk, [])}
        for m in mats
    ]
    supplement = (
        CaseEvent.objects.filter(case=case, kind="supplement_requested").order_by("-seq").first()
    )
    return render(
        request,
        "portal/cases/detail.html",
        {
            "case": case,
            "answers": answers(case.item, case.form_data or {}),
            "rows": rows,
            "timeline": timeline(case),
            "supplement": supplement.data if supplement else None,
            "notices": notice_links(case),
            "can_withdraw": workflow.allowed_from("withdraw", case.status),
            "light": _light(case, _now()),
            "max_mb": materials.max_upload_bytes() // (1024 * 1024),
            "key": secrets.token_urlsafe(16),
        },
    )


def _material_of(case: Case, material_pk: int) -> CaseMaterial:
    material = CaseMaterial.objects.filter(case=case, pk=material_pk).first()
    if material is None:
        raise Http404("材料不存在")
    return material


@login_required
@require_POST
def case_material(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    """Upload, reuse or remove the file of one material of the case."""
    case = _party_case(request, pk)
    material = _material_of(case, material_pk)
    user, now, key = _user(request), _now(), request.POST.get("key", "")[:40]
    action = request.POST.get("action", "upload")
    upload = request.FILES.get("file")
    reuse = request.POST.get("reuse", "")
    try:
        if action == "remove":
            materials.remove_file(case, material, actor=user, now=now, key=key)
            messages.info(request, f"已删除“{material.name}”的文件")
        elif upload is not None:
            materials.attach_file(case, material, upload, actor=user, now=now, key=key)
            messages.success(request, f"“{material.name}”已上传")
        elif reuse.isdigit():
            stored = StoredFile.objects.filter(pk=int(reuse), applicant=case.applicant).first()
            if stored is None:
                raise CaseError("所选的存档材料不存在，请重新选择", field="reuse")
            materials.reuse_file(case, material, stored, actor=user, now=now, key=key)
            messages.success(request, f"“{material.name}”已使用存档文件")
        else:
            raise CaseError("请选择要上传的文件", field="file")
    except CaseError as exc:
        messages.error(request, f"“{material.name}”：{exc.message}")
    return redirect(reverse("portal:case_detail", args=[case.pk]) + "#materials")


@login_required
@require_POST
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit a saved draft once its required materials are in."""
    case = _party_case(request, pk)
    missing = [
        m.name
        for m in case.materials.all()
        if m.required and not m.tolerance and m.state != CaseMaterial.State.PROVIDED
    ]
    if case.status == S.DRAFT and missing:
        messages.error(request, "请先上传必要材料：" + "、".join(missing))
        return redirect("portal:case_detail", pk=case.pk)
    try:
        case = actions.submit_case(
            case, actor=_user(request), now=_now(), key=request.POST.get("key", "")[:40]
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"申请已提交，办件编号 {case.number}，查询码 {case.query_code}。")
    return redirect("portal:case_detail", pk=case.pk)


@login_required
@require_POST
def case_supply(request: HttpRequest, pk: int) -> HttpResponse:
    """补正完成: the materials asked for are in; back to the window."""
    case = _party_case(request, pk)
    try:
        actions.supply_materials(
            case, actor=_user(request), now=_now(), key=request.POST.get("key", "")[:40]
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "补正材料已提交，窗口将重新审查。")
    return redirect("portal:case_detail", pk=case.pk)


@login_required
@require_POST
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    case = _party_case(request, pk)
    try:
        actions.withdraw_case(
            case,
            actor=_user(request),
            now=_now(),
            reason=request.POST.get("reason", "").strip()[:200],
            key=request.POST.get("key", "")[:40],
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, "申请已撤回。")
    return redirect("portal:case_detail", pk=case.pk)


# --- progress lookup (no sign-in) -------------------------------------------------------------

# Wrong pairs allowed per address in PROGRESS_WINDOW seconds; right ones are not counted, so a
# hall whose visitors share one address is not turned away. (A query code is one of 32^8, so
# guessing is hopeless anyway; this keeps scripts polite.)
PROGRESS_LIMIT = 20
PROGRESS_WINDOW = 600
PUBLIC_EVENTS = (
    "submitted",
    "supplement_requested",
    "supplied",
    "accepted",
    "deemed_accepted",
    "not_accepted",
    "extension_approved",
    "suspended",
    "resumed",
    "granted",
    "refused",
    "completed",
    "delivered",
    "withdrawn",
)


def _misses_key(request: HttpRequest) -> str:
    return "progress-misses:" + str(request.META.get("REMOTE_ADDR", ""))


def _too_many_misses(request: HttpRequest) -> bool:
    return int(cache.get(_misses_key(request), 0)) >= PROGRESS_LIMIT


def _count_miss(request: HttpRequest) -> None:
    key = _misses_key(request)
    if not cache.add(key, 1, PROGRESS_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, PROGRESS_WINDOW)


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


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """办件进度查询: case number + query code; a wrong pair gets the same answer as no case."""
    form = ProgressForm(request.POST or None)
    case = None
    error = ""
    events: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        if _too_many_misses(request):
            error = "查询过于频繁，请 10 分钟后再试。"
        else:
            case = case_by_query_code(form.cleaned_data["number"], form.cleaned_data["query_code"])
            if case is None:
                _count_miss(request)
                error = "未找到与该办件编号和查询码相符的办件，请核对后重新输入。"
            else:
                events = [
                    {"at": e.at, "label": EVENT_LABELS[e.kind]}
                    for e in CaseEvent.objects.filter(case=case, kind__in=PUBLIC_EVENTS).order_by(
                        "seq"
                    )
                ]
    return render(
        request,
        "portal/cases/progress.html",
        {"form": form, "case": case, "error": error, "events": events},
        status=404 if error.startswith("未找到") else 200,
    )


# --- the community agent (代办员) --------------------------------------------------------------

SESSION_VILLAGER = "onestop_agent_villager"


def _is_agent(user: User) -> bool:
    return any(r.role == Role.COMMUNITY_AGENT for r in staff_roles_of(user))


def _agent_point(user: User) -> tuple[Region, Centre] | None:
    """The agent's community and its 代办点."""
    for role in staff_roles_of(user):
        if role.role == Role.COMMUNITY_AGENT:
            centre = Centre.objects.filter(level=Centre.Level.COMMUNITY, region=role.region).first()
            if centre is not None:
                return role.region, centre
    return None


def _agent_or_404(request: HttpRequest) -> tuple[User, Region, Centre]:
    user = _user(request)
    point = _agent_point(user) if _is_agent(user) else None
    if point is None:
        raise Http404("仅限代办员使用")
    return user, point[0], point[1]


def _villager_in_scope(region: Region, applicant: Applicant) -> bool:
    """An agent serves people of their community; someone with no community recorded (e.g.
    registered online) may be served by whoever holds their ID card in hand."""
    return applicant.region is None or region.contains(applicant.region)


def _current_villager(request: HttpRequest, region: Region) -> Applicant | None:
    pk = request.session.get(SESSION_VILLAGER)
    applicant = Applicant.objects.filter(pk=pk).first() if pk else None
    if applicant is None or not _villager_in_scope(region, applicant):
        return None
    return applicant


class VillagerForm(forms.Form):
    id_number = UpperCharField(
        label="身份证号码",
        max_length=18,
        validators=[_identity_validator(check_id_number)],
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


@transaction.atomic
def register_villager(*, name: str, id_number: str, phone: str, region: Region) -> Applicant:
    """An applicant record for a villager served at a community point (no password: they sign
    in only once they set one up)."""
    user = get_user_model().objects.create_user(username=f"cm{secrets.token_hex(6)}")
    user.first_name = name[:150]
    user.save(update_fields=["first_name"])
    return Applicant.objects.create(
        user=user,
        kind=Applicant.Kind.PERSON,
        name=name,
        id_number=id_number,
        phone=phone,
        region=region,
    )


def _pick_villager(request: HttpRequest, form: VillagerForm, region: Region) -> str:
    """Find (or register) the villager of the form; '' on success, else the error."""
    number = form.cleaned_data["id_number"]
    found = Applicant.objects.filter(id_number=number).first()
    if found is not None:
        if not _villager_in_scope(region, found):
            return "该居民登记在其他社区/村，请到其所在地代办点办理或网上申请"
        request.session[SESSION_VILLAGER] = found.pk
        return ""
    name, phone = form.cleaned_data["name"].strip(), form.cleaned_data["phone"].strip()
    if not name:
        form.add_error("name", "未找到该居民，请填写姓名以登记")
    phone_check = check_mobile(phone)
    if not phone_check.valid:
        form.add_error("phone", "未找到该居民，请填写手机号码以登记：" + phone_check.reason)
    if form.errors:
        return "该身份证号码尚未登记，请补充姓名和手机号码"
    villager = register_villager(name=name, id_number=number, phone=phone, region=region)
    request.session[SESSION_VILLAGER] = villager.pk
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def agent_home(request: HttpRequest) -> HttpResponse:
    """代办: choose the villager (by ID number), then the item; the list of cases filed here."""
    user, region, centre = _agent_or_404(request)
    form = VillagerForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            request.session.pop(SESSION_VILLAGER, None)
            return redirect("portal:agent_home")
        if form.is_valid():
            error = _pick_villager(request, form, region)
            if not error:
                return redirect("portal:agent_items")
    villager = _current_villager(request, region)
    filed = (
        Case.objects.filter(filed_by=user, channel=Case.Channel.AGENT)
        .select_related("item", "applicant")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "portal/cases/agent_home.html",
        {
            "form": form,
            "error": error,
            "centre": centre,
            "villager": villager,
            "villager_id": mask_id_number(villager.id_number) if villager else "",
            "filed": _with_lights(list(filed)),
        },
        status=422 if error else 200,
    )


@login_required
@require_GET
def agent_items(request: HttpRequest) -> HttpResponse:
    """The items a community point may take (社区/村代办), searchable."""
    _user_, region, centre = _agent_or_404(request)
    villager = _current_villager(request, region)
    if villager is None:
        messages.info(request, "请先确定办事居民")
        return redirect("portal:agent_home")
    q = request.GET.get("q", "").strip()[:50]
    qs = live_items().filter(at_community=True).select_related("department")
    qs = search_items(qs, q) if q else qs.order_by("department_id", "name")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/cases/agent_items.html",
        {"page": page, "q": q, "villager": villager, "centre": centre},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agent_apply(request: HttpRequest, code: str) -> HttpResponse:
    """The agent fills the item's form for the current villager; the case is the villager's."""
    _user_, region, centre = _agent_or_404(request)
    villager = _current_villager(request, region)
    if villager is None:
        messages.info(request, "请先确定办事居民")
        return redirect("portal:agent_home")
    item = _live_item(code)
    if not item.at_community:
        messages.error(request, "该事项不能在社区/村代办点代办")
        return redirect("portal:agent_items")
    app = Application(
        item=item,
        applicant=villager,
        centre=centre,
        channel=Case.Channel.AGENT,
        action_url=reverse("portal:agent_apply", args=[item.code]),
        back_url=reverse("portal:agent_items"),
    )
    return _handle_application(request, app)
