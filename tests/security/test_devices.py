"""The hall's kiosk and the windows' rating pads are device sessions with one job each, and no
staff session can rate a case by any path (issue 14, points 4 and 6)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from onestop.cases import actions as case_actions
from onestop.core.errors import NotAllowed
from onestop.evaluation import actions as rating
from onestop.evaluation.models import Rating
from onestop.hall import devices
from onestop.hall.models import Device, Ticket
from tests.case_fixtures import provide_all
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def finish(new_case, instant_item, clerk):
    """A 即办件 completed on the spot by the window clerk at `now`."""

    def build(now):
        case = new_case(item=instant_item, now=now)
        provide_all(case)
        return case_actions.handle_instant(case, actor=clerk, now=now)

    return build


@pytest.fixture
def done_case(finish):
    return finish(timezone.now())


@pytest.fixture
def finish_now(finish):
    """A 即办件 the clerk of window A01 completes `minutes_ago` minutes ago."""
    return lambda minutes_ago=0: finish(timezone.now() - timedelta(minutes=minutes_ago))


def _text(response) -> str:
    return response.content.decode()


# --- every URL of the project, as a device session sees it -----------------------------------


def _sample_path(route: str) -> str:
    """A concrete path for a route: every converter filled with a plausible value."""
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:str|slug|path|uuid):?[^>]*>", "x", route)
    return route


def _all_paths() -> list[tuple[str, str]]:
    """(path, url name) of every route of the project (regular-expression routes skipped)."""
    out: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            raw = str(p.pattern)
            if raw.startswith("^"):
                continue  # a re_path (the admin's catch-all, static files): no sample
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + raw, ns)
            elif isinstance(p, URLPattern):
                out.append(("/" + _sample_path(prefix + raw), f"{namespace}{p.name or ''}"))

    walk(get_resolver().url_patterns, "", "")
    return out


def test_a_kiosk_session_reaches_only_the_kiosk_pages(kiosk, device_client):
    device, token, _code = kiosk
    c = device_client(token)
    allowed = devices.DEVICE_PAGES[Device.Kind.KIOSK]
    checked = 0
    for path, name in _all_paths():
        if name in allowed:
            continue
        response = c.get(path)
        checked += 1
        assert response.status_code in (302, 403), (path, name, response.status_code)
        if response.status_code == 302:
            assert response["Location"] == reverse("hallpub:kiosk"), (path, name)
        posted = c.post(path, {"score": "5", "case": "1"})
        assert posted.status_code == 403, (path, name, posted.status_code)
    assert checked > 150  # the walk really covered the project's pages and API
    assert not Rating.objects.exists()


def test_the_kiosk_takes_a_number_and_has_no_workbench_link(kiosk, device_client, centre):
    device, token, _code = kiosk
    c = device_client(token)
    page = c.get(reverse("hallpub:kiosk"))
    assert page.status_code == 200
    text = _text(page)
    assert "自助取号" in text and device.name in text
    assert "工作台" not in text and reverse("staff:home") not in text
    assert "登录" not in text  # no way from the kiosk to a sign-in form
    zone = centre.zones.first()
    r = c.post(reverse("hallpub:kiosk"), {"zone": zone.pk, "category": "care"})
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.category, ticket.centre) == ("kiosk", "care", centre)
    assert r["Location"] == reverse("hallpub:kiosk_ticket", args=[ticket.pk])
    assert ticket.number in _text(c.get(r["Location"]))
    # Only the kiosk's own categories: a green-channel number is for the desk.
    c.post(reverse("hallpub:kiosk"), {"zone": zone.pk, "category": "green"})
    assert Ticket.objects.count() == 1
    # The staff workbench and the API stay shut.
    assert c.get("/staff/")["Location"] == reverse("hallpub:kiosk")
    api = c.get("/api/v1/cases")
    assert api.status_code == 403 and api.json()["code"] == "device_session"


def test_another_kiosk_cannot_read_this_kiosks_ticket(kiosk, centre, device_client):
    _device, token, _code = kiosk
    first = device_client(token)
    zone = centre.zones.first()
    r = first.post(reverse("hallpub:kiosk"), {"zone": zone.pk, "category": "normal"})
    second = device_client(token)
    assert second.get(r["Location"]).status_code == 404


def test_staff_never_use_the_kiosk_or_the_pad(client, clerk, centre_admin, kiosk, pad):
    for who in (clerk, centre_admin):
        client.force_login(who)
        assert client.get(reverse("hallpub:kiosk")).status_code == 403
        assert client.get(reverse("evaluation:pad")).status_code == 403
    client.logout()
    assert client.get(reverse("hallpub:kiosk"))["Location"] == reverse("hallpub:device")


def test_a_staff_password_does_not_sign_a_device_in(client, clerk, kiosk):
    for secret in (PASSWORD, clerk.username, "", "ABCDEFGH"):
        r = client.post(reverse("hallpub:device"), {"code": secret})
        assert r.status_code == 422
        assert "hallpub" not in r.get("Location", "")
    assert "配对码或终端令牌无效" in _text(client.post(reverse("hallpub:device"), {"code": "X"}))
    assert "请输入中心管理员提供的配对码" in _text(client.post(reverse("hallpub:device"), {}))
    assert client.get(reverse("hallpub:kiosk"))["Location"] == reverse("hallpub:device")


def test_a_pairing_code_works_once_and_ends_earlier_sessions(kiosk, device_client):
    device, token, code = kiosk
    by_token = device_client(token)
    assert by_token.get(reverse("hallpub:kiosk")).status_code == 200
    by_code = device_client(code.lower())  # typed in lower case on the touch screen
    assert by_code.get(reverse("hallpub:kiosk")).status_code == 200
    # The pairing issued a new token: the old token and its session are finished.
    assert by_token.get(reverse("hallpub:kiosk"))["Location"] == reverse("hallpub:device")
    again = Client().post(reverse("hallpub:device"), {"code": code})
    assert again.status_code == 422 and "已使用或已过期" in _text(again)
    again = Client().post(reverse("hallpub:device"), {"code": token})
    assert again.status_code == 422


def test_an_expired_pairing_code_is_refused(centre, client):
    _device, _token, code = devices.register_device(
        name="二楼自助取号机",
        kind=Device.Kind.KIOSK,
        centre=centre,
        window=None,
        actor=None,
        now=timezone.now() - timedelta(hours=devices.PAIRING_HOURS, minutes=1),
    )
    assert client.post(reverse("hallpub:device"), {"code": code}).status_code == 422


def test_a_deactivated_device_is_signed_out(kiosk, device_client):
    device, token, _code = kiosk
    c = device_client(token)
    Device.objects.filter(pk=device.pk).update(active=False)
    assert c.get(reverse("hallpub:kiosk"))["Location"] == reverse("hallpub:device")
    assert devices.SESSION_KEY not in c.session


def test_guessing_pairing_codes_is_throttled(client, kiosk):
    _device, token, _code = kiosk
    for _ in range(devices.BAD_CODE_LIMIT):
        client.post(reverse("hallpub:device"), {"code": "WRONG123"})
    r = client.post(reverse("hallpub:device"), {"code": token})  # even the right one, now
    assert r.status_code == 422 and "过于频繁" in _text(r)


def test_a_pad_is_bound_to_a_window_and_a_kiosk_is_not(centre, window_a01):
    from onestop.hall.errors import HallError

    with pytest.raises(HallError, match="评价器必须绑定一个窗口"):
        devices.register_device(
            name="评价器",
            kind=Device.Kind.RATING_PAD,
            centre=centre,
            window=None,
            actor=None,
            now=timezone.now(),
        )
    with pytest.raises(HallError, match="不绑定窗口"):
        devices.register_device(
            name="取号机",
            kind=Device.Kind.KIOSK,
            centre=centre,
            window=window_a01,
            actor=None,
            now=timezone.now(),
        )


# --- the pad ---------------------------------------------------------------------------------


def test_the_pad_rates_the_case_its_window_just_closed_once(pad, device_client, finish_now):
    _device, token, _code = pad
    c = device_client(token)
    case = finish_now()
    page = c.get(reverse("evaluation:pad"))
    assert page.status_code == 200 and case.number in _text(page)
    assert "工作台" not in _text(page)
    r = c.post(reverse("evaluation:pad"), {"case": case.pk, "score": "4"}, follow=True)
    assert "感谢您的评价" in _text(r)
    rated = Rating.objects.get(case=case)
    assert (rated.channel, rated.rated_by, rated.score) == (Rating.Channel.PAD, None, 4)
    assert case.events.get(kind="rated").data["window"] == "A01"
    # Only once: the same case again is refused and the first score stays.
    again = {"case": case.pk, "score": "1", "reasons": ["service_level"], "comment": "再评一次"}
    r = c.post(reverse("evaluation:pad"), again, follow=True)
    assert "该办件已评价，每件只能评价一次" in _text(r)
    assert Rating.objects.get(case=case).score == 4


def test_the_pad_refuses_an_old_case_or_another_windows(pad, device_client, finish_now, new_case):
    _device, token, _code = pad
    c = device_client(token)
    old = finish_now(minutes_ago=rating.pad_minutes() + 1)
    assert old.number not in _text(c.get(reverse("evaluation:pad")))
    r = c.post(reverse("evaluation:pad"), {"case": old.pk, "score": "5"}, follow=True)
    assert "不是本窗口刚刚办结的办件" in _text(r)
    assert not Rating.objects.filter(case=old).exists()
    # A case any pad could name by id, but not closed at this window (not yet done at all).
    draft = new_case()
    c.post(reverse("evaluation:pad"), {"case": draft.pk, "score": "5"})
    assert not Rating.objects.exists()


def test_the_pad_action_needs_the_window(done_case, window_a01):
    with pytest.raises(NotAllowed, match="评价终端"):
        rating.rate_case(
            done_case, actor=None, now=timezone.now(), score=5, channel=Rating.Channel.PAD
        )


# --- staff cannot rate -----------------------------------------------------------------------


def test_no_staff_session_rates_through_the_pad(client, clerk, pad, finish_now):
    case = finish_now()
    client.force_login(clerk)
    r = client.post(reverse("evaluation:pad"), {"case": case.pk, "score": "5"})
    assert r.status_code == 403
    assert not Rating.objects.exists()


def test_no_staff_session_rates_through_the_sms_link(client, clerk, reviewer, done_case):
    url = reverse("evaluation:rate_link", args=[rating.rate_token(done_case)])
    for who in (clerk, reviewer):
        client.force_login(who)
        r = client.post(url, {"score": "5"})
        assert r.status_code == 403 and "工作人员不能评价" in _text(r)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("channel", list(Rating.Channel))
def test_no_staff_member_rates_by_any_channel(channel, done_case, clerk, reviewer, window_a01):
    for who in (clerk, reviewer):
        with pytest.raises(NotAllowed, match="工作人员不能评价"):
            rating.rate_case(
                done_case,
                actor=who,
                now=timezone.now(),
                score=5,
                channel=channel,
                window=window_a01,
            )
    assert not Rating.objects.exists()


def test_a_staff_member_who_applied_cannot_rate_their_own_case(
    client, done_case, applicant, district, dept_b
):
    from onestop.org.models import Role, StaffRole

    StaffRole.objects.create(
        user=applicant.user, role=Role.REVIEWER, department=dept_b, region=district
    )
    client.force_login(applicant.user)
    r = client.post(reverse("evaluation:rate", args=[done_case.pk]), {"score": "5"}, follow=True)
    assert "工作人员不能评价" in _text(r)
    assert not Rating.objects.exists()


def test_staff_cannot_rerate(done_case, applicant, clerk, head):
    rated = rating.rate_case(
        done_case,
        actor=applicant.user,
        now=timezone.now(),
        score=1,
        channel="portal",
        reasons=["efficiency"],
        comment="等候时间过长",
    )
    rect = rated.rectification
    rating.record_followup(rect, actor=head, now=timezone.now(), contact_note="已电话回访")
    rating.close_rectification(rect, actor=head, now=timezone.now(), measure="窗口培训")
    with pytest.raises(NotAllowed, match="工作人员不能评价"):
        rating.rerate(done_case, actor=clerk, now=timezone.now(), score=5)


# --- registration in the admin ---------------------------------------------------------------


def test_the_administrator_registers_a_pad_and_sees_its_code_once(admin_client, centre, window_a01):
    url = reverse("admin:hall_device_add")
    missing = admin_client.post(
        url, {"name": "A01 评价器", "kind": "rating_pad", "centre": centre.pk, "active": "on"}
    )
    assert missing.status_code == 200 and "评价器必须绑定一个窗口" in _text(missing)
    assert not Device.objects.exists()
    r = admin_client.post(
        url,
        {
            "name": "A01 评价器",
            "kind": "rating_pad",
            "centre": centre.pk,
            "window": window_a01.pk,
            "active": "on",
        },
        follow=True,
    )
    device = Device.objects.get()
    shown = re.search(r"配对码 ([A-Z0-9]{8})", _text(r))
    assert shown and device.window == window_a01
    # Only digests are kept; the code shown pairs the pad once.
    assert shown.group(1) not in device.pairing_hash and len(device.pairing_hash) == 64
    c = Client()
    sign_in = c.post(reverse("hallpub:device"), {"code": shown.group(1)})
    assert sign_in["Location"] == reverse("evaluation:pad")
