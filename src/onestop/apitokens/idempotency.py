"""The `Idempotency-Key` check every keyed API operation shares (called by
`onestop.apitokens.errors.domain_errors`).

The actions make a repeated key a no-op per case; this adds what they cannot see: that the
repeat carries the same request. A digest of the canonical request is stored beside the key;
the same key with the same request replays, with a different one it is refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from onestop.apitokens.models import IdempotencyRecord
from onestop.lib import ratelimit

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
HEADER = "Idempotency-Key"


class KeyReused(Exception):
    """The key was used before on this operation with a different request."""

    code = "idempotency_key_reused"
    message = "该幂等键已用于内容不同的请求；请求内容改变时请使用新的幂等键"


def _canonical_body(request: HttpRequest) -> Any:
    ctype = request.content_type or ""
    if ctype.startswith("multipart/") or ctype == "application/x-www-form-urlencoded":
        fields = {k: sorted(request.POST.getlist(k)) for k in sorted(request.POST)}
        files: dict[str, list[str]] = {}
        for k in sorted(request.FILES):
            for f in request.FILES.getlist(k):
                files.setdefault(k, []).append(hashlib.sha256(f.read()).hexdigest())
                f.seek(0)  # the operation reads the file after us
        return {"fields": fields, "files": {k: sorted(v) for k, v in files.items()}}
    raw = request.body
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {"raw": hashlib.sha256(raw).hexdigest()}


def request_digest(request: HttpRequest) -> str:
    """sha256 of the request as the operation sees it: key order and spacing of the JSON body
    and the order of query parameters do not matter."""
    canonical = {
        "method": request.method,
        "path": request.path,
        "query": {k: sorted(request.GET.getlist(k)) for k in sorted(request.GET)},
        "body": _canonical_body(request),
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _principal(request: HttpRequest) -> str:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return f"anon:{ratelimit.client_address(request)}"


@contextmanager
def guard(request: HttpRequest) -> Iterator[None]:
    """Around a keyed operation: raise KeyReused for a reused key with another request; forget
    a new key again if the operation fails (raises), so that a corrected retry may use it."""
    key = request.headers.get(HEADER, "")
    if not key or request.method not in UNSAFE:
        yield
        return
    principal, operation = _principal(request), f"{request.method} {request.path}"[:300]
    digest = request_digest(request)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                principal=principal,
                key=key[:64],
                operation=operation,
                digest=digest,
                created_at=timezone.now(),
            )
    except IntegrityError:
        earlier = IdempotencyRecord.objects.filter(
            principal=principal, key=key[:64], operation=operation
        ).first()
        if earlier is not None and earlier.digest != digest:
            raise KeyReused() from None
        yield  # the same request again: the action replays its first result
        return
    try:
        yield
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise


def forget(request: HttpRequest) -> None:
    """Drop the record of this request's key (the operation answered an error)."""
    key = request.headers.get(HEADER, "")
    if key and request.method in UNSAFE:
        IdempotencyRecord.objects.filter(
            principal=_principal(request),
            key=key[:64],
            operation=f"{request.method} {request.path}"[:300],
            digest=request_digest(request),
        ).delete()
