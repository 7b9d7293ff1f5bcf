"""Device sessions: the hall's self-service kiosk and the windows' rating pads.

A device is registered by a centre administrator (`register_device`), which shows its token and
a one-time pairing code once. The device's browser signs in on `hallpub:device` with either;
its session then carries `SESSION_KEY` = {"id": device pk, "token": token digest}, no Django
user. `DeviceSessionMiddleware` sets `request.device` on every request and lets a device
session reach only the pages of its kind (`DEVICE_PAGES`): any other page redirects to the
device's own page, any other method or API call answers 403. Re-pairing issues a new token,
which ends the sessions of the old one; an inactive device's session ends at its next request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone

from onestop.hall.errors import HallError
from onestop.hall.models import Device
from onestop.lib import ratelimit
from onestop.org.models import Centre, Window

SESSION_KEY = "onestop_device"
PAIRING_HOURS = 24
PAIRING_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
# Wrong codes one address may enter per window before it must wait (a pairing code is short).
BAD_CODE_LIMIT = 10
BAD_CODE_WINDOW = 600
# A device session outlives a staff session: the kiosk stays signed in for the month.
DEVICE_SESSION_SECONDS = 30 * 24 * 3600

# The URL names each kind of device may reach (and the sign-in page, to pair again).
DEVICE_PAGES: dict[str, frozenset[str]] = {
    Device.Kind.KIOSK: frozenset({"hallpub:kiosk", "hallpub:kiosk_ticket", "hallpub:device"}),
    Device.Kind.RATING_PAD: frozenset({"evaluation:pad", "hallpub:device"}),
}
HOME: dict[str, str] = {
    Device.Kind.KIOSK: "hallpub:kiosk",
    Device.Kind.RATING_PAD: "evaluation:pad",
}
OUT_OF_BOUNDS = "该终端只能用于本机功能（自助取号或窗口评价），不能访问其他页面或接口"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.strip().upper().encode()).hexdigest()


def _new_token() -> str:
    return "dev_" + secrets.token_urlsafe(32)


def _new_pairing_code() -> str:
    return "".join(secrets.choice(PAIRING_CHARS) for _ in range(8))


def check_binding(kind: str, centre: Centre, window: Window | None) -> None:
    if kind == Device.Kind.RATING_PAD:
        if window is None:
            raise HallError("评价器必须绑定一个窗口", field="window")
        if window.zone.centre_id != centre.pk:
            raise HallError("所选窗口不属于该服务中心", field="window")
    elif kind == Device.Kind.KIOSK:
        if window is not None:
            raise HallError("自助取号机绑定服务中心，不绑定窗口", field="window")
    else:
        raise HallError("无效的终端类型", field="kind")
    if centre.level == Centre.Level.COMMUNITY:
        raise HallError("社区代办点不设自助取号机和评价器", field="centre")


@transaction.atomic
def register_device(
    *,
    name: str,
    kind: str,
    centre: Centre,
    window: Window | None,
    actor: User | None,
    now: datetime,
) -> tuple[Device, str, str]:
    """A new device: (device, token, pairing code); the two secrets are shown only now."""
    if not name.strip():
        raise HallError("请填写终端名称", field="name")
    check_binding(kind, centre, window)
    token, code = _new_token(), _new_pairing_code()
    device = Device.objects.create(
        name=name.strip()[:60],
        kind=kind,
        centre=centre,
        window=window,
        token_hash=digest(token),
        pairing_hash=digest(code),
        pairing_expires_at=now + timedelta(hours=PAIRING_HOURS),
        created_at=now,
        created_by=actor,
    )
    return device, token, code


@transaction.atomic
def new_pairing_code(device: Device, *, now: datetime) -> str:
    """A fresh one-time pairing code (the device's token is unchanged until it is used)."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    code = _new_pairing_code()
    device.pairing_hash = digest(code)
    device.pairing_expires_at = now + timedelta(hours=PAIRING_HOURS)
    device.save(update_fields=["pairing_hash", "pairing_expires_at"])
    return code


@transaction.atomic
def pair_device(secret: str, *, now: datetime) -> Device:
    """The active device a token or an unexpired pairing code names. A pairing code is used
    up and replaced by a new token, which ends every earlier session of the device."""
    h = digest(secret)
    device = Device.objects.select_for_update().filter(active=True, token_hash=h).first()
    if device is not None:
        device.paired_at = now
        device.save(update_fields=["paired_at"])
        return device
    device = (
        Device.objects.select_for_update()
        .filter(active=True, pairing_hash=h, pairing_expires_at__gt=now)
        .first()
    )
    if device is None:
        raise HallError("配对码或终端令牌无效、已使用或已过期，请联系中心管理员", field="code")
    device.token_hash = digest(_new_token())
    device.pairing_hash = ""
    device.pairing_expires_at = None
    device.paired_at = now
    device.save(update_fields=["token_hash", "pairing_hash", "pairing_expires_at", "paired_at"])
    return device


def sign_in_device(request: HttpRequest, secret: str) -> Device:
    """Turn this browser into the device's session (after signing out whoever was in it)."""
    address = ratelimit.client_address(request)
    what = "配对码尝试"
    ratelimit.check("device-code", address, limit=BAD_CODE_LIMIT, window=BAD_CODE_WINDOW, what=what)
    try:
        device = pair_device(secret, now=timezone.now())
    except HallError:
        ratelimit.record("device-code", address, window=BAD_CODE_WINDOW)
        raise
    logout(request)  # flushes the session: no staff user, nothing of an earlier visitor
    request.session[SESSION_KEY] = {"id": device.pk, "token": device.token_hash}
    request.session.set_expiry(DEVICE_SESSION_SECONDS)
    return device


def device_of(request: HttpRequest) -> Device | None:
    """The device this request's session belongs to (set by DeviceSessionMiddleware)."""
    return getattr(request, "device", None)


def _session_device(request: HttpRequest) -> Device | None:
    raw = request.session.get(SESSION_KEY)
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        return None
    device = (
        Device.objects.select_related("centre", "window", "window__zone")
        .filter(pk=raw["id"], active=True, token_hash=str(raw.get("token")))
        .first()
    )
    if device is not None:
        now = timezone.now()
        if device.last_seen_at is None or now - device.last_seen_at > timedelta(minutes=5):
            Device.objects.filter(pk=device.pk).update(last_seen_at=now)
    return device


def _url_name(request: HttpRequest) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    return match.view_name


class DeviceSessionMiddleware:
    """Confine a device session to its pages (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.device = None  # type: ignore[attr-defined]
        if SESSION_KEY not in request.session:
            return self.get_response(request)
        device = _session_device(request)
        if device is None or request.user.is_authenticated:
            # Revoked, re-paired, or a staff sign-in into a device's browser: end it all.
            logout(request)
            return redirect("hallpub:device")
        request.device = device  # type: ignore[attr-defined]
        if request.path_info.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if _url_name(request) in DEVICE_PAGES[device.kind]:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"code": "device_session", "message": OUT_OF_BOUNDS, "field": ""}, status=403
            )
        if request.method in ("GET", "HEAD"):
            return redirect(HOME[device.kind])
        return HttpResponseForbidden(OUT_OF_BOUNDS, content_type="text/plain; charset=utf-8")


def device_required(kind: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., Any]]:
    """A view for a device of `kind` only: anyone else is sent to the device sign-in page
    (a signed-in staff member or applicant gets 403: staff never use the kiosk or the pad)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            device = device_of(request)
            if device is None or device.kind != kind:
                if request.user.is_authenticated:
                    return HttpResponseForbidden(
                        "该页面仅供大厅终端使用", content_type="text/plain; charset=utf-8"
                    )
                return redirect("hallpub:device")
            return view(request, device, *args, **kwargs)

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    return decorate
