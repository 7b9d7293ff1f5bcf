"""Following a case: 我的办件, the case page, materials, supplement, submission, withdrawal."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from onestop.cases import actions, materials, workflow
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent, CaseMaterial, StoredFile
from onestop.cases.queries import get_case_for_user
from onestop.core.errors import DomainError
from onestop.notify.queries import about_for_user
from onestop.org.web import run_move
from onestop.portal.cases_views.common import (
    current_time,
    filed_by_agent,
    is_agent,
    light_of,
    user_of,
    with_lights,
)
from onestop.portal.cases_views.forms import CaseMoveForm, MaterialMoveForm, answers

S = Case.Status


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    """我的办件: the cases the user applied for (and, for an agent, those they filed)."""
    user = user_of(request)
    own = Case.objects.filter(applicant__user=user).select_related("item", "department")
    page = Paginator(own.order_by("-created_at"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/cases/my_cases.html",
        {
            "page": page,
            "rows": with_lights(list(page.object_list)),
            "filed": filed_by_agent(user),
            "is_agent": is_agent(user),
        },
    )


def _party_case(request: HttpRequest, pk: int) -> Case:
    """The case, if the user is its applicant or the agent who filed it; else 404."""
    user = user_of(request)
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
    "deadline_recomputed": "按国务院节假日安排重新计算办理期限",
    "suspended": "中止计时",
    "resumed": "恢复计时",
    "granted": "准予许可",
    "refused": "不予许可",
    "tolerated_supplied": "容缺材料已补交",
    "fee_notice_issued": "开具缴费通知",
    "fee_paid": "已缴费",
    "fee_refunded": "已退费",
    "certificate_issued": "已制发证照",
    "certificate_revoked": "证照已撤销",
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
    except DomainError:
        return False
    return True


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _party_case(request, pk)
    user = user_of(request)
    mats = list(case.materials.select_related("file"))
    offers = materials.reuse_offers(case, user)
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
            "case_messages": about_for_user(actions.topic_of(case), user),
            "supplement": supplement.data if supplement else None,
            "notices": notice_links(case),
            "can_withdraw": workflow.allowed_from("withdraw", case.status),
            "light": light_of(case, current_time()),
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
    form = MaterialMoveForm(request.POST)
    form.is_valid()  # optional fields
    key, action, reuse = (form.cleaned_data[k] for k in ("key", "action", "reuse"))
    user, now = user_of(request), current_time()
    upload = request.FILES.get("file")
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
    except DomainError as exc:
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
    key = _move_data(request)["key"]
    submitted = run_move(
        request,
        lambda: actions.submit_case(case, actor=user_of(request), now=current_time(), key=key),
    )
    if submitted is not None:
        messages.success(
            request, f"申请已提交，办件编号 {submitted.number}，查询码 {submitted.query_code}。"
        )
    return redirect("portal:case_detail", pk=case.pk)


@login_required
@require_POST
def case_supply(request: HttpRequest, pk: int) -> HttpResponse:
    """补正完成: the materials asked for are in; back to the window."""
    case = _party_case(request, pk)
    key = _move_data(request)["key"]
    run_move(
        request,
        lambda: actions.supply_materials(case, actor=user_of(request), now=current_time(), key=key),
        "补正材料已提交，窗口将重新审查。",
    )
    return redirect("portal:case_detail", pk=case.pk)


@login_required
@require_POST
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    case = _party_case(request, pk)
    data = _move_data(request)
    reason = data["reason"].strip()[:200]
    withdrawn = run_move(
        request,
        lambda: actions.withdraw_case(
            case, actor=user_of(request), now=current_time(), reason=reason, key=data["key"]
        ),
    )
    if withdrawn is not None:
        messages.info(request, "申请已撤回。")
    return redirect("portal:case_detail", pk=case.pk)


def _move_data(request: HttpRequest) -> dict[str, Any]:
    form = CaseMoveForm(request.POST)
    form.is_valid()  # optional fields
    return form.cleaned_data
