"""好差评 pages: the portal page, the signed SMS link, the window pad, rectifications, stats."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from onestop.cases.audit import verify_cases
from onestop.evaluation import actions
from onestop.evaluation.models import Rating, Rectification
from onestop.evaluation.queries import department_stats
from tests.case_fixtures import NOW
from tests.evaluation.conftest import WHY_ONLINE

P = Rating.Channel.PORTAL


def _text(response) -> str:
    return response.content.decode()


def test_the_applicant_rates_from_the_portal(client, done_case, applicant):
    client.force_login(applicant.user)
    url = reverse("evaluation:rate", args=[done_case.pk])
    page = client.get(url)
    assert page.status_code == 200
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意", "多次跑腿"):
        assert label in _text(page)
    r = client.post(url, {"score": "5", "tags": ["服务态度好"], "comment": "好"}, follow=True)
    assert "感谢您的评价" in _text(r)
    rating = Rating.objects.get(case=done_case)
    assert (rating.score, rating.channel, rating.tags) == (5, P, ["服务态度好"])
    r = client.post(url, {"score": "1", **WHY_ONLINE}, follow=True)
    assert "该办件已评价，每件只能评价一次" in _text(r)
    assert Rating.objects.get(case=done_case).score == 5
    assert verify_cases() == []


def test_other_people_get_404(client, done_case, other_applicant, clerk, outsider):
    url = reverse("evaluation:rate", args=[done_case.pk])
    for who in (other_applicant.user, outsider, clerk):
        client.force_login(who)
        assert client.get(url).status_code == 404
        assert client.post(url, {"score": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_the_signed_link_rates_without_sign_in(client, done_case):
    token = actions.rate_token(done_case)
    url = reverse("evaluation:rate_link", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and done_case.number in _text(page)
    r = client.post(
        url,
        {"score": "2", "tags": ["超时办理"], "reasons": ["efficiency"], "comment": "超期两天"},
        follow=True,
    )
    assert "感谢您的评价" in _text(r)
    rating = Rating.objects.get(case=done_case)
    assert (rating.channel, rating.rated_by, rating.score) == (Rating.Channel.SMS_LINK, None, 2)
    assert (rating.reasons, rating.comment) == (["efficiency"], "超期两天")
    assert Rectification.objects.filter(rating=rating).exists()


def test_a_tampered_link_is_refused(client, done_case, finish):
    token = actions.rate_token(done_case)
    other = finish()
    forged = token.replace(token[3], "A" if token[3] != "A" else "B", 1)
    for bad in (forged, token + "x", actions.rate_token(other)[:-2] + token[-2:]):
        r = client.get(reverse("evaluation:rate_link", args=[bad]))
        assert r.status_code == 404
        assert "评价链接无效或已过期" in _text(r)
    assert (
        client.post(reverse("evaluation:rate_link", args=[forged]), {"score": "1"}).status_code
        == 404
    )
    assert not Rating.objects.exists()


def test_a_link_expires_after_30_days(client, done_case):
    old = time.time() - 31 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=old):
        token = actions.rate_token(done_case)
    assert actions.case_from_token(token) is None
    r = client.post(reverse("evaluation:rate_link", args=[token]), {"score": "5"})
    assert r.status_code == 404 and "评价链接无效或已过期" in _text(r)
    fresh_enough = time.time() - 29 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=fresh_enough):
        token = actions.rate_token(done_case)
    assert actions.case_from_token(token) == done_case


def test_the_window_pad_shows_the_case_just_finished(finish, pad, device_client):
    """The pad is the window's device (no staff user): it rates the case its window closed."""
    client = device_client(pad[1])
    case = finish(timezone.now())
    page = client.get(reverse("evaluation:pad"))
    assert page.status_code == 200 and case.number in _text(page)
    r = client.post(reverse("evaluation:pad"), {"case": case.pk, "score": "4"}, follow=True)
    assert "感谢您的评价" in _text(r)
    rating = Rating.objects.get(case=case)
    assert (rating.channel, rating.rated_by, rating.score) == (Rating.Channel.PAD, None, 4)
    assert "暂无待评价的办件" in _text(client.get(reverse("evaluation:pad")))


def test_the_pad_is_a_device_not_a_staff_page(client, applicant, reviewer, clerk):
    for who in (applicant.user, reviewer, clerk):
        client.force_login(who)
        assert client.get(reverse("evaluation:pad")).status_code == 403


def test_the_department_follows_up_on_its_page(client, finish, applicant, head, clerk_b):
    case = finish()
    actions.rate_case(case, actor=applicant.user, now=NOW, score=1, channel=P, **WHY_ONLINE)
    rect = Rectification.objects.get()
    client.force_login(head)
    listing = _text(client.get(reverse("evaluation:rectifications")))
    assert case.number in listing and "超期" in listing  # due 2026-03-17, long past
    url = reverse("evaluation:rectification", args=[rect.pk])
    r = client.post(url, {"action": "close", "measure": "培训"}, follow=True)
    assert "请先核实并回访申请人，再办结整改" in _text(r)
    r = client.post(url, {"action": "followup", "contact_note": "已回访致歉"}, follow=True)
    assert "已记录核实回访情况" in _text(r)
    r = client.post(url, {"action": "close", "measure": "一次性告知"}, follow=True)
    assert "整改已办结" in _text(r)
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.CLOSED
    # Another department's clerk sees nothing of it.
    client.force_login(clerk_b)
    assert case.number not in _text(client.get(reverse("evaluation:rectifications")))
    assert client.get(url).status_code == 404
    # The applicant re-rates once from the portal.
    client.force_login(applicant.user)
    rate_url = reverse("evaluation:rate", args=[case.pk])
    assert "欢迎再次评价" in _text(client.get(rate_url))
    r = client.post(rate_url, {"score": "4"}, follow=True)
    assert "感谢您的再评价" in _text(r)
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.rerate_score) == (1, 4)
    assert "欢迎再次评价" not in _text(client.get(rate_url))
    assert verify_cases() == []


def test_open_rectifications_show_a_green_or_yellow_light(client, finish, applicant, head):
    case = finish()
    actions.rate_case(
        case, actor=applicant.user, now=timezone.now(), score=2, channel=P, **WHY_ONLINE
    )
    client.force_login(head)
    listing = _text(client.get(reverse("evaluation:rectifications")))
    assert case.number in listing and ("正常" in listing or "预警" in listing)


def test_statistics_per_department(finish, applicant, head):
    cases = [finish() for _ in range(5)]
    for case, score in zip(cases[:4], (5, 4, 2, 1), strict=True):
        actions.rate_case(case, actor=applicant.user, now=NOW, score=score, channel=P, **WHY_ONLINE)
    # Last month, in the same year.
    actions.rate_case(
        cases[4], actor=applicant.user, now=NOW - timedelta(days=20), score=3, channel=P
    )
    first_bad = Rectification.objects.order_by("pk").first()
    actions.record_followup(first_bad, actor=head, now=NOW, contact_note="已回访")
    (row,) = department_stats(NOW + timedelta(hours=1))
    assert row.department.key == "scjgj"
    m, y = row.month, row.year
    assert (m.total, m.good, m.bad, m.followed_up, m.closed) == (4, 2, 2, 1, 0)
    assert m.real_name_bad == 2
    assert m.rate == 0.5 and m.rate_percent == "50.0%"
    assert (y.total, y.good, y.bad, y.followed_up) == (5, 2, 2, 1)
    assert y.rate_percent == "40.0%"
    # Next year nothing counts.
    assert department_stats(NOW.replace(year=2027)) == []


def test_the_public_statistics_page(client, finish, applicant):
    now = timezone.now()
    for score in (5, 3, 1):
        actions.rate_case(
            finish(), actor=applicant.user, now=now, score=score, channel=P, **WHY_ONLINE
        )
    page = client.get(reverse("evaluation:stats"))
    assert page.status_code == 200
    text = _text(page)
    assert "区市场监管局" in text and "33.3%" in text and "满意率" in text
    today = timezone.localtime(now)
    assert f"{today.year}年{today.month}月" in text


def test_satisfaction_for_the_monthly_evaluation(finish, applicant, clerk, dept_a):
    from datetime import datetime, time

    from onestop.evaluation.queries import satisfaction
    from onestop.workdays.calendar import centre_zone

    cases = [finish() for _ in range(3)]
    for case, score in zip(cases, (5, 3, 2), strict=True):
        actions.rate_case(case, actor=applicant.user, now=NOW, score=score, channel=P, **WHY_ONLINE)
    zone = centre_zone()
    march = datetime(2026, 3, 1, tzinfo=zone), datetime(2026, 4, 1, tzinfo=zone)
    by_dept = satisfaction(*march)
    assert (by_dept[dept_a.pk].total, by_dept[dept_a.pk].good, by_dept[dept_a.pk].bad) == (3, 1, 1)
    by_centre = satisfaction(*march, by="case__centre_id")
    assert by_centre[cases[0].centre_id].total == 3
    april = datetime.combine(NOW.date().replace(month=4, day=1), time.min, tzinfo=zone)
    assert satisfaction(april, april.replace(month=5)) == {}


def test_the_admin_lists_ratings_read_only(admin_client, done_case, applicant):
    actions.rate_case(done_case, actor=applicant.user, now=NOW, score=1, channel=P, **WHY_ONLINE)
    for name in ("rating", "rectification"):
        r = admin_client.get(reverse(f"admin:evaluation_{name}_changelist"))
        assert r.status_code == 200 and done_case.number in _text(r)
    assert "办事效率" in _text(admin_client.get(reverse("admin:evaluation_rating_changelist")))
    assert admin_client.get(reverse("admin:evaluation_rating_add")).status_code == 403


def test_a_double_tap_on_the_pad_records_one_rating(finish, pad, device_client):
    client = device_client(pad[1])
    case = finish(timezone.now())
    page = _text(client.get(reverse("evaluation:pad")))
    key = page.split('name="key" value="')[1].split('"')[0]
    assert key
    for _ in range(2):
        r = client.post(
            reverse("evaluation:pad"), {"case": case.pk, "score": "5", "key": key}, follow=True
        )
        assert "感谢您的评价" in _text(r)
    assert Rating.objects.filter(case=case).count() == 1
