"""Document downloads (scoped to who may see the case) and public certificate verification."""

from __future__ import annotations

import io
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from onestop.cases.queries import get_case_for_user
from onestop.core.errors import DomainError
from onestop.documents import signing
from onestop.documents.actions import issue_certificate, revoke_certificate
from onestop.documents.forms import CertificateMoveForm
from onestop.documents.queries import (
    certificate_of,
    mask_name,
    verify_certificate,
    verify_url,
)
from onestop.documents.render import (
    certificate_filename,
    certificate_rows,
    notice_filename,
    render_certificate,
    render_notice,
)
from onestop.lib.redact import redact
from onestop.org.web import run_move, staff_required

MAX_NUMBER = 40
MAX_CODE = 100


def _pdf(filename: str, content: bytes) -> FileResponse:
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@login_required
@never_cache
@require_GET
def notice(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """A notice of a case the user may see (404 for anyone else, or a notice it lacks)."""
    case = get_case_for_user(request.user, pk)
    try:
        content = render_notice(case, kind)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return _pdf(notice_filename(case, kind), content)


@login_required
@never_cache
@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> FileResponse:
    case = get_case_for_user(request.user, pk)
    cert = certificate_of(case)
    if cert is None:
        raise Http404("本办件尚未制发证照")
    pdf = render_certificate(cert, verify_url=verify_url(cert, request))
    return _pdf(certificate_filename(cert), pdf)


@staff_required()
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the certificate from the staff case page, then back to it with a message."""
    user = cast(User, request.user)
    case = get_case_for_user(user, pk)
    form = CertificateMoveForm(request.POST)
    form.is_valid()  # optional fields
    key = form.cleaned_data["key"]
    cert = run_move(
        request, lambda: issue_certificate(case, actor=user, now=timezone.now(), key=key)
    )
    if cert is not None:
        messages.success(request, f"已制发电子证照 {cert.number}")
    return redirect("cases:detail", pk=case.pk)


@staff_required()
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke the case's certificate, with the reason, then back to the case page."""
    user = cast(User, request.user)
    case = get_case_for_user(user, pk)
    found = certificate_of(case)
    if found is None:
        raise Http404("本办件尚未制发证照")
    form = CertificateMoveForm(request.POST)
    form.is_valid()  # optional fields: the action says when the reason is missing
    data = form.cleaned_data
    run_move(
        request,
        lambda: revoke_certificate(
            found, actor=user, now=timezone.now(), reason=data["reason"], key=data["key"]
        ),
        f"已撤销电子证照 {found.number}",
    )
    return redirect("cases:detail", pk=case.pk)


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """Type a certificate number (and, to see the holder in full, its 核验码)."""
    number = request.GET.get("number", "").strip()[:MAX_NUMBER]
    code = request.GET.get("code", "").strip()[:MAX_CODE]
    if number:
        url = reverse("documents:verify", args=[number])
        return redirect(f"{url}?sig={code}" if code else url)
    return render(request, "documents/verify_form.html", {})


# Values the verification page shows as issued: the certificate's own numbers. Every other value
# (the holder's ID, the particulars typed on the form) goes through the redaction of public texts,
# so that no full ID number, phone, e-mail or house address of a holder is published.
AS_ISSUED = frozenset({"证照编号", "办件编号", "统一社会信用代码"})


def _public_rows(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(label, value if label in AS_ISSUED else redact(value)) for label, value in rows]


@require_GET
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """Public: valid, revoked, expired or invalid (unknown number, or content tampered with)."""
    result = verify_certificate(
        number[:MAX_NUMBER], request.GET.get("sig", "")[:MAX_CODE], now=timezone.now()
    )
    cert = result.certificate
    rows: list[tuple[str, str]] = []
    if cert is not None:
        content = cert.content
        holder = content.get("holder", "")
        if not result.full:
            holder = mask_name(holder, content.get("holder_kind", ""))
        rows = [
            ("证照编号", cert.number),
            ("证照名称", content.get("title", "")),
            ("持证人", holder),
        ]
        if result.full:
            rows = certificate_rows(cert)
        else:
            keep = {"发证机关", "发证日期", "有效期至"}
            rows += [r for r in certificate_rows(cert) if r[0] in keep]
        rows = _public_rows(rows)
    return render(
        request,
        "documents/verify.html",
        {
            "result": result,
            "number": number[:MAX_NUMBER],
            "rows": rows,
            "revoke_reason": redact(cert.revoke_reason) if cert is not None else "",
            "public_key": signing.b64(signing.public_key_raw()),
            "key_id": signing.key_id(),
        },
    )


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    """The certificate signing public key (PEM), for offline verification."""
    return HttpResponse(signing.public_key_pem(), content_type="application/x-pem-file")
