"""Demo hall for the 西区 centre: the administrator's rules, windows' hours, a morning of queue
numbers worked by the seated clerks (a few started as cases), booking check-ins, bookings for
today and the next working day, and first-inquiry records at the guidance desk.

Everything goes through the real actions. The morning is today's when the load runs after
10:00 on a working day (up to now, so some numbers are still waiting), otherwise the last
working day's. A second load finds the day's tickets and bookings and changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User

from onestop.cases import actions as case_actions
from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items
from onestop.demo.cases import form_for, residents
from onestop.hall import actions, booking, devices, rules
from onestop.hall.errors import HallError
from onestop.hall.models import (
    Booking,
    Category,
    Device,
    HallPolicy,
    Inquiry,
    PriorityRule,
    Ticket,
    WindowHours,
)
from onestop.org.models import Applicant, Centre, Window
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import centre_zone, local_date

CENTRE = "xq_zwfwzx"
RULES = [
    (Category.APPOINTMENT, 30, "预约群众按预约时段优先叫号"),
    (Category.GREEN, 60, "重点项目绿色通道，项目专员陪同办理"),
    (Category.ENTERPRISE, 45, "重点企业服务专窗优先"),
    (Category.CARE, 20, "老年人、残疾人、孕妇等爱心优先"),
]
# Windows and who sits there in the demo morning (staff.json), and the items they take.
SEATS = {
    "A01": ("clerk_zh", "scjgj"),
    "A04": ("clerk", "scjgj"),
    "B03": ("clerk_rs", "rsj"),
    "B07": ("clerk_mz", "mzj"),
    "D02": ("manager", "fgj"),
}
ZONE_OF = {"A": "approval", "B": "public", "D": "parallel"}


@dataclass(frozen=True)
class DemoDevice:
    label: str
    name: str
    kind: str
    window: str  # the window number a pad is bound to ("" for a kiosk)
    code: str


# The hall's devices, each with a fixed pairing code: demo data like the demo password, printed
# by load_demo and listed in README. A production device's code is random, one-time and
# expires; a demo code is the device's standing token, so that a newcomer can pair again (in
# another browser, or after pairing the other device) at /hall/device/ whenever they like.
DEMO_DEVICES = (
    DemoDevice("自助取号机", "一楼大厅自助取号机 1 号", Device.Kind.KIOSK, "", "XQ-KIOSK-26"),
    DemoDevice("A01 窗口评价器", "A01 窗口评价器", Device.Kind.RATING_PAD, "A01", "XQ-PAD-A01"),
)
NOT_BOOKABLE = ("C01", "C02", "C03", "F01", "F02", "F03")


@dataclass
class Arrival:
    at: datetime
    zone: str  # A | B | D
    item: ServiceItem | None
    category: str
    source: str
    booking: Booking | None = None


def load_demo_hall(*, now: datetime) -> int:
    """Create what is missing; returns how many rows of note were created."""
    centre = Centre.objects.filter(key=CENTRE).first()
    if centre is None:
        return 0
    created = _rules(centre) + _devices(centre, now)
    cal = workdays.calendar()
    today = local_date(now)
    local_now = now.astimezone(centre_zone())
    if cal.is_workday(today) and local_now.time() >= time(10, 0):
        day = today
    else:
        day = today - timedelta(days=1)
        while not cal.is_workday(day):
            day -= timedelta(days=1)
    if not Ticket.objects.filter(centre=centre, day=day).exists():
        created += _morning(centre, day, now)
    created += _future_bookings(centre, now)
    created += _inquiries(centre, now)
    return created


def _devices(centre: Centre, now: datetime) -> int:
    """The kiosk and A01's rating pad, registered as an administrator would, then given their
    demo codes (once: a device the administrator has since re-paired is left alone)."""
    created = 0
    for d in DEMO_DEVICES:
        if Device.objects.filter(centre=centre, kind=d.kind, name=d.name).exists():
            continue
        window = Window.objects.filter(zone__centre=centre, number=d.window).first()
        if d.window and window is None:
            continue
        device, _token, _code = devices.register_device(
            name=d.name, kind=d.kind, centre=centre, window=window, actor=None, now=now
        )
        device.token_hash = devices.digest(d.code)
        device.pairing_hash, device.pairing_expires_at = "", None
        device.save(update_fields=["token_hash", "pairing_hash", "pairing_expires_at"])
        created += 1
    return created


def _rules(centre: Centre) -> int:
    created = 0
    _, made = HallPolicy.objects.get_or_create(centre=centre)
    created += made
    for category, minutes, note in RULES:
        _, made = PriorityRule.objects.get_or_create(
            centre=centre,
            category=category,
            defaults={"head_start_minutes": minutes, "note": note},
        )
        created += made
    for window in Window.objects.filter(zone__centre=centre):
        values = {"capacity": 3 if window.number in ("A01", "A02", "B01", "B02") else 2}
        if window.number in NOT_BOOKABLE:
            values["bookable"] = False
        _, made = WindowHours.objects.get_or_create(window=window, defaults=values)
        created += made
    return created


def _at(day: date, hour: int, minute: float = 0) -> datetime:
    return datetime.combine(day, time(hour, 0), centre_zone()) + timedelta(minutes=minute)


def _items(dept: str, names: tuple[str, ...] = ()) -> list[ServiceItem]:
    qs = live_items().filter(department__key=dept, at_district=True).order_by("code")
    if names:
        qs = qs.filter(name__in=names)
    return list(qs)


def _arrivals(centre: Centre, day: date, end: datetime, rng: random.Random) -> list[Arrival]:
    start = _at(day, 9)
    span = (end - start).total_seconds() / 60
    items = {
        "A": _items("scjgj"),
        "B": _items("rsj") + _items("mzj"),
        "D": _items("fgj"),
    }
    arrivals = []
    for _ in range(max(4, int(span / 2.6))):  # a busy morning: a number every 2–3 minutes
        zone = rng.choices("ABD", weights=(45, 45, 10))[0]
        item = rng.choice(items[zone]) if items[zone] and rng.random() < 0.75 else None
        category, source = Category.NORMAL, rng.choice((Ticket.Source.KIOSK,) * 3 + ("desk",))
        roll = rng.random()
        if zone == "D":
            category, source = Category.GREEN, Ticket.Source.DESK
        elif zone == "A" and roll < 0.1:
            category, source = Category.ENTERPRISE, Ticket.Source.DESK
        elif roll < 0.22:
            category = Category.CARE
        at = start + timedelta(minutes=rng.uniform(0, max(span - 3, 1)))
        arrivals.append(Arrival(at, zone, item, category, source))
    arrivals += _morning_bookings(centre, day, end)
    return sorted(arrivals, key=lambda a: a.at)


def _book(
    centre: Centre,
    item: ServiceItem,
    starts: datetime,
    person: Applicant,
    *,
    account: bool,
    now: datetime,
) -> Booking:
    """Book for `person` (from their signed-in account when `account`, else by phone)."""
    new = booking.NewBooking(
        centre=centre,
        item=item,
        starts_at=starts,
        name=person.name,
        phone=person.phone,
        applicant=person if account else None,
    )
    return booking.book(new, now=now)


def _morning_bookings(centre: Centre, day: date, end: datetime) -> list[Arrival]:
    """Three people booked the evening before and check in ten minutes early."""
    people = residents()
    plan = [(_items("scjgj", ("食品经营许可",)), 9, 30), (_items("mzj"), 10, 0)]
    plan.append((_items("rsj"), 10, 30))
    arrivals = []
    evening = _at(day - timedelta(days=1), 18)
    for n, (items, hour, minute) in enumerate(plan):
        starts = _at(day, hour, minute)
        if not items or starts - timedelta(minutes=10) >= end:
            continue
        person = people[n + 3]
        made = _book(centre, items[0], starts, person, account=False, now=evening)
        zone = "A" if made.window.number.startswith("A") else "B"
        arrivals.append(
            Arrival(
                starts - timedelta(minutes=10),
                zone,
                items[0],
                Category.APPOINTMENT,
                Ticket.Source.BOOKING,
                made,
            )
        )
    return arrivals


def _morning(centre: Centre, day: date, now: datetime) -> int:
    """Simulate the morning: numbers taken, called by the seated clerks in queue order."""
    rng = random.Random(f"hall-{day}")  # noqa: S311 - plausible demo data, not security
    live = day == local_date(now)
    end = min(now, _at(day, 12)) if live else _at(day, 12)
    windows = {
        w.number: w for w in Window.objects.filter(zone__centre=centre, number__in=list(SEATS))
    }
    clerks = {number: User.objects.filter(username=SEATS[number][0]).first() for number in windows}
    seated = {n: w for n, w in windows.items() if clerks[n] is not None}
    zones = {k: centre.zones.filter(kind=v).first() for k, v in ZONE_OF.items()}
    arrivals = _arrivals(centre, day, end, rng)
    free = dict.fromkeys(seated, _at(day, 9, 2))
    people = iter(residents() * 3)
    cases_left = 2
    i = 0
    while True:
        number, t = min(free.items(), key=lambda kv: kv[1])
        if i < len(arrivals) and arrivals[i].at <= t:
            _arrive(centre, zones, arrivals[i])
            i += 1
            continue
        if t >= end:
            break
        window, clerk = seated[number], clerks[number]
        assert clerk is not None  # noqa: S101 - only seated windows are simulated
        ticket = actions.call_next(window, actor=clerk, now=t)
        if ticket is None:
            free[number] = arrivals[i].at if i < len(arrivals) else end
            continue
        if rng.random() < 0.06:  # called twice and not there
            actions.recall(ticket, actor=clerk, now=t + timedelta(minutes=1))
            actions.mark_no_show(ticket, actor=clerk, now=t + timedelta(minutes=3))
            free[number] = t + timedelta(minutes=3)
            continue
        begin = t + timedelta(minutes=1)
        if cases_left and number == "A04" and ticket.item is not None:
            _start_case(ticket, next(people), clerk, begin)
            cases_left -= 1
        else:
            actions.start_serving(ticket, actor=clerk, now=begin)
        done = begin + timedelta(minutes=rng.uniform(4, 14))
        if live and done > end:  # still at the window when the load runs
            free[number] = end
            continue
        actions.finish_ticket(ticket, actor=clerk, now=done)
        free[number] = done + timedelta(minutes=rng.uniform(0.5, 2))
    if not live:
        actions.abandon_stale_tickets(now=now)
    return Ticket.objects.filter(centre=centre, day=day).count()


def _arrive(centre: Centre, zones: dict, a: Arrival) -> None:
    if a.booking is not None:
        booking.check_in(a.booking.code, centre, now=a.at, actor=None)
        return
    actions.take_ticket(
        actions.NewTicket(
            centre=centre, zone=zones[a.zone], item=a.item, category=a.category, source=a.source
        ),
        now=a.at,
        actor=None,
    )


def _start_case(ticket: Ticket, person: Applicant, clerk: User, at: datetime) -> None:
    assert ticket.item is not None  # noqa: S101 - checked by the caller
    item = live_items().get(code=ticket.item.code)
    walk_in = case_actions.WalkIn(
        item=item,
        centre=ticket.centre,
        id_number=person.id_number,
        name=person.name,
        phone=person.phone,
        applicant=person,
        form_data=form_for(item, person),
        provided=[m.name for m in item.materials.all()],
        tolerated=[],
    )
    actions.start_case_from_ticket(
        ticket, walk_in, actor=clerk, now=at, key=f"demo-hall-{ticket.pk}"
    )


def _future_bookings(centre: Centre, now: datetime) -> int:
    """Bookings for the rest of today and the next working day (once)."""
    cal = workdays.calendar()
    days = rules.bookable_days(cal, local_date(now), 2, include_today=True)
    wanted = [
        ("scjgj", "食品经营许可", 9, 30),
        ("scjgj", "公司设立登记", 10, 0),
        ("mzj", "最低生活保障", 10, 0),
        ("rsj", "失业保险金申领", 10, 30),
        ("gaj", "居民身份证办理", 15, 0),
        ("scjgj", "个体工商户设立登记", 15, 30),
        ("mzj", "临时救助", 16, 0),
    ]
    start = datetime.combine(days[0], time(0), centre_zone())
    if Booking.objects.filter(centre=centre, starts_at__gte=start, created_at__gte=start).exists():
        return 0
    people = residents()
    me = Applicant.objects.filter(user__username="zhangmin").first()
    created = 0
    for day in days:
        for n, (dept, name, hour, minute) in enumerate(wanted):
            starts = _at(day, hour, minute)
            items = _items(dept, (name,))
            if starts <= now or not items:
                continue
            person = me if (me is not None and n == 0 and day != days[0]) else people[n]
            try:
                _book(centre, items[0], starts, person, account=person is me, now=now)
            except HallError:
                continue  # e.g. the same person already booked that item that day
            created += 1
    return created


# Questions at the guide desk: question, asker, phone, minutes ago, then (two minutes later)
# an answer or a hand-over to the clerk, or nothing yet.
INQUIRIES = (
    ("办理食品经营许可是否需要先办营业执照？", "刘女士", "13908121003", 50, "", ""),
    (
        "老年人优待证在哪个窗口办理？",
        "赵大爷",
        "",
        40,
        "answer",
        "已引导至B区社会事务综合受理窗口，并取爱心优先号。",
    ),
    (
        "个体工商户经营范围变更能否当场办结？",
        "陈先生",
        "13908121004",
        20,
        "hand_over",
        "涉及市场监管具体业务，已电话告知A04窗口李娜接续答复",
    ),
)


def _inquiries(centre: Centre, now: datetime) -> int:
    guide = User.objects.filter(username="guide").first()
    clerk = User.objects.filter(username="clerk").first()
    if guide is None or clerk is None or Inquiry.objects.filter(centre=centre).exists():
        return 0
    for question, name, phone, minutes, then, text in INQUIRIES:
        inquiry = actions.record_inquiry(
            centre,
            question=question,
            asker_name=name,
            asker_phone=phone,
            actor=guide,
            now=now - timedelta(minutes=minutes),
        )
        later = now - timedelta(minutes=minutes - 2)
        if then == "answer":
            actions.answer_inquiry(inquiry, answer=text, actor=guide, now=later)
        elif then == "hand_over":
            actions.hand_over_inquiry(inquiry, to=clerk, note=text, actor=guide, now=later)
    return len(INQUIRIES)
