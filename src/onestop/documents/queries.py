"""Reads of documents and certificates that pages and other apps call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from onestop.cases.models import Case
from onestop.cases.queries import case_by_query_code
from onestop.documents import signing
from onestop.documents.models import Certificate
from onestop.lib import redact
from onestop.workdays.calendar import local_date

# A verification code typed from a printed certificate: the signature's first characters.
CODE_LENGTH = 8


def has_certificate(case: Case) -> bool:
    """Whether a valid certificate has been issued for the case (complete_case asks)."""
    return Certificate.objects.filter(case=case, status=Certificate.Status.VALID).exists()


def certificate_of(case: Case) -> Certificate | None:
    return Certificate.objects.filter(case=case).select_related("department").first()


@dataclass(frozen=True)
class Document:
    """A rendered document and the file name to offer it under."""

    filename: str
    content: bytes
    content_type: str = "application/pdf"


def notice_for_query(number: str, query_code: str, kind: str) -> Document | None:
    """A notice for the public progress lookup (case number + query code, no sign-in).

    None when the number and code do not match a case; DocumentError when the case has no such
    notice."""
    from onestop.documents.render import notice_filename, render_notice  # loads ReportLab

    case = case_by_query_code(number, query_code)
    if case is None:
        return None
    return Document(notice_filename(case, kind), render_notice(case, kind))


def public_base_url(request: HttpRequest | None) -> str:
    """settings.PUBLIC_BASE_URL (for certificates printed by staff behind a proxy), else the
    address the request came to."""
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "")
    if base:
        return base.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def verify_url(cert: Certificate, request: HttpRequest | None = None) -> str:
    """The absolute address the certificate's QR code points to."""
    path = reverse("documents:verify", args=[cert.number])
    return f"{public_base_url(request)}{path}?{urlencode({'sig': cert.signature})}"


def content_intact(cert: Certificate) -> bool:
    """The signature verifies over the content, and the columns still say what it says."""
    c = cert.content if isinstance(cert.content, dict) else {}
    valid_until = cert.valid_until.isoformat() if cert.valid_until else ""
    return (
        signing.verify(c, cert.signature)
        and c.get("number") == cert.number
        and c.get("holder") == cert.holder_name
        and c.get("title") == cert.item_name
        and c.get("issued_on") == local_date(cert.issued_at).isoformat()
        and c.get("valid_until", "") == valid_until
        and c.get("case") == cert.case.number
    )


@dataclass(frozen=True)
class Verification:
    state: str  # valid, expired, revoked or invalid
    certificate: Certificate | None
    reason: str = ""  # why it is invalid
    # The visitor showed the certificate's code (its QR code or the printed 核验码): the page
    # may show the holder in full; otherwise personal names are masked.
    full: bool = False

    @property
    def ok(self) -> bool:
        return self.state == "valid"


def verify_certificate(number: str, code: str = "", *, now: datetime) -> Verification:
    """What the public verification page says about a certificate number (and code)."""
    number, code = number.strip(), code.strip()
    cert = (
        Certificate.objects.select_related("department", "case").filter(number=number).first()
        if number
        else None
    )
    if cert is None:
        return Verification("invalid", None, "证照不存在")
    if not content_intact(cert):
        return Verification("invalid", None, "证照内容与电子签名不符，内容被篡改")
    full = False
    if code:
        if len(code) < CODE_LENGTH or not cert.signature.startswith(code):
            return Verification("invalid", None, "核验码与证照不符")
        full = True
    if cert.status == Certificate.Status.REVOKED:
        return Verification("revoked", cert, full=full)
    if cert.valid_until and cert.valid_until < local_date(now):
        return Verification("expired", cert, full=full)
    return Verification("valid", cert, full=full)


def mask_name(name: str, kind: str) -> str:
    """张* / 欧阳** for a person; an enterprise's name is public."""
    return name if kind == "enterprise" else redact.mask_name(name)
