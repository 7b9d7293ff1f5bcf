"""The hall's devices for tests: a kiosk of the district centre and the rating pad of its
window A01 (whose clerk is `clerk`), and clients signed in as them.

A device session is a browser session that went through `hallpub:device` with the device's
token or pairing code: `request.device` is the Device, `request.user` stays anonymous."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onestop.hall import devices
from onestop.hall.models import Device
from onestop.org.models import Centre, Role, StaffRole, Window


@pytest.fixture
def window_a01(centre: Centre, clerk) -> Window:
    """Window A01 of the district centre, where `clerk` sits."""
    window = Window.objects.get(zone__centre=centre, number="A01")
    StaffRole.objects.filter(user=clerk, role=Role.CLERK).update(window=window)
    return window


@pytest.fixture
def pad(centre: Centre, window_a01: Window) -> tuple[Device, str, str]:
    """The rating pad of window A01: (device, token, pairing code)."""
    return devices.register_device(
        name="A01 窗口评价器",
        kind=Device.Kind.RATING_PAD,
        centre=centre,
        window=window_a01,
        actor=None,
        now=timezone.now(),
    )


@pytest.fixture
def kiosk(centre: Centre) -> tuple[Device, str, str]:
    """The hall's kiosk: (device, token, pairing code)."""
    return devices.register_device(
        name="一楼大厅自助取号机 1 号",
        kind=Device.Kind.KIOSK,
        centre=centre,
        window=None,
        actor=None,
        now=timezone.now(),
    )


def sign_in_device(client: Client, secret: str) -> Client:
    response = client.post(reverse("hallpub:device"), {"code": secret})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def device_client() -> Callable[[str], Client]:
    """A fresh client signed in with a device token or pairing code."""
    return lambda secret: sign_in_device(Client(), secret)
