"""The demo hall: loaded over the demo organisation and catalog, through the real actions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from onestop.demo import org as org_demo
from onestop.demo.hall import DEMO_DEVICES, load_demo_hall
from onestop.hall.models import Booking, Device, Inquiry, PriorityRule, Ticket, WindowHours
from onestop.workdays.calendar import centre_zone

TZ = centre_zone()


@pytest.fixture
def organisation(db):
    counts = org_demo.Counts()
    regions = org_demo.load_regions(counts)
    depts = org_demo.load_departments(counts, regions)
    centres = org_demo.load_centres(counts, regions, depts)
    org_demo.load_staff(counts, regions, depts, centres)
    org_demo.load_department_staff(counts, regions, depts)
    org_demo.load_applicants(counts, regions)
    org_demo.load_items(counts, now=datetime(2026, 3, 1, 9, tzinfo=TZ))


def test_a_live_morning_and_the_coming_bookings(organisation):
    now = datetime(2026, 3, 10, 11, 0, tzinfo=TZ)  # a Tuesday, mid-morning
    assert load_demo_hall(now=now) > 0
    today = Ticket.objects.filter(day=now.date())
    assert today.count() > 40
    statuses = set(today.values_list("status", flat=True))
    assert {"done", "waiting", "serving"} <= statuses  # the queue is still running
    assert set(today.values_list("category", flat=True)) >= {"normal", "care", "appointment"}
    assert today.filter(case__isnull=False).count() == 2
    assert all(t.called_at is None or t.called_at >= t.taken_at for t in today)
    assert PriorityRule.objects.count() == 4
    assert not WindowHours.objects.get(window__number="C01").bookable
    # Three morning bookings checked in; this afternoon's and tomorrow's still ahead.
    assert Booking.objects.filter(status="checked_in").count() == 3
    ahead = Booking.objects.filter(status="booked")
    days = {b.starts_at.astimezone(TZ).date() for b in ahead}
    assert days == {now.date(), datetime(2026, 3, 11).date()}
    assert ahead.filter(applicant__user__username="zhangmin").count() == 1
    assert Inquiry.objects.count() == 3
    # A second load changes nothing.
    before = (Ticket.objects.count(), Booking.objects.count())
    assert load_demo_hall(now=now) == 0
    assert (Ticket.objects.count(), Booking.objects.count()) == before


def test_before_opening_the_last_working_days_morning_is_shown(organisation):
    now = datetime(2026, 3, 9, 8, 0, tzinfo=TZ)  # Monday before the hall opens
    load_demo_hall(now=now)
    friday = Ticket.objects.filter(day=datetime(2026, 3, 6).date())
    assert friday.count() > 40
    assert not friday.filter(status__in=("waiting", "called", "serving")).exists()
    assert friday.filter(status="abandoned").exists()  # left before being called


def paired(code: str) -> Client:
    c = Client()
    response = c.post(reverse("hallpub:device"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:300]
    return c


def test_the_demo_kiosk_and_pad_pair_with_their_documented_codes(organisation):
    now = datetime(2026, 3, 10, 11, 0, tzinfo=TZ)
    load_demo_hall(now=now)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    kiosk_code, pad_code = (d.code for d in DEMO_DEVICES)
    assert kiosk_code in readme and pad_code in readme
    kiosk = Device.objects.get(kind=Device.Kind.KIOSK)
    pad = Device.objects.get(kind=Device.Kind.RATING_PAD)
    assert (kiosk.centre.key, kiosk.window) == ("xq_zwfwzx", None)
    assert (pad.centre, pad.window.number) == (kiosk.centre, "A01")
    # The kiosk prints a number and shows it.
    c = paired(kiosk_code.lower())
    assert c.get(reverse("hallpub:kiosk")).status_code == 200
    zone = pad.window.zone
    before = set(Ticket.objects.values_list("pk", flat=True))
    taken = c.post(reverse("hallpub:kiosk"), {"zone": zone.pk, "category": "normal"})
    ticket = Ticket.objects.exclude(pk__in=before).get()
    assert (ticket.source, ticket.centre, ticket.zone) == (Ticket.Source.KIOSK, kiosk.centre, zone)
    assert taken["Location"] == reverse("hallpub:kiosk_ticket", args=[ticket.pk])
    assert ticket.number in c.get(taken["Location"]).content.decode()
    # The pad: its page, and nothing else (the workbench sends it back there).
    p = paired(pad_code)
    assert p.get(reverse("evaluation:pad")).status_code == 200
    assert p.get("/staff/")["Location"] == reverse("evaluation:pad")
    # The demo codes pair again (another browser) and a second load registers nothing more.
    assert paired(kiosk_code).get(reverse("hallpub:kiosk")).status_code == 200
    assert load_demo_hall(now=now) == 0
    assert Device.objects.count() == len(DEMO_DEVICES)
