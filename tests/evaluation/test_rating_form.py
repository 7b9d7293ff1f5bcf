"""Every rating page shows the five levels and its channel's indicators, keeps what was chosen
when it refuses, and puts each problem next to its field in Chinese."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from onestop.evaluation import actions
from onestop.evaluation.models import OFFLINE_INDICATORS, ONLINE_INDICATORS, Rating
from tests.evaluation.conftest import close_bad_rating

LEVELS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
P = Rating.Channel.PORTAL


def _text(response) -> str:
    return response.content.decode()


def _error(html: str, field: str) -> str:
    """The error shown inside the field's block (empty when none)."""
    block = html.split(f'id="field-{field}"', 1)[1].split("</fieldset>", 1)[0]
    block = block.split('id="field-', 1)[0]
    found = re.search(r'class="text-danger small field-error">([^<]*)<', block)
    return found[1] if found else ""


def _checked(html: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{name}" value="([^"]+)"[^>]*checked', html))


def _assert_offers(html: str, indicators: dict[str, str], others: dict[str, str]) -> None:
    for label in LEVELS:
        assert f">{label}</label>" in html
    for label in indicators.values():
        assert f">{label}</label>" in html
    for label in others.values():
        assert f">{label}</label>" not in html


def _assert_bad_rating_refused(response, *, tags: list[str]) -> None:
    """A 不满意 without indicator or comment: both errors at their fields, choices kept."""
    html = _text(response)
    assert response.status_code == 200
    assert _error(html, "reasons") == "差评请至少选择一项评价指标"
    assert _error(html, "comment").startswith("差评请填写评价意见")
    assert _checked(html, "score") == {"2"}
    assert _checked(html, "tags") == set(tags)


def test_the_portal_page(client, done_case, applicant):
    client.force_login(applicant.user)
    url = reverse("evaluation:rate", args=[done_case.pk])
    _assert_offers(_text(client.get(url)), ONLINE_INDICATORS, OFFLINE_INDICATORS)
    r = client.post(url, {"score": "2", "tags": ["多次跑腿"]})
    _assert_bad_rating_refused(r, tags=["多次跑腿"])
    assert not Rating.objects.exists()
    # Indicator chosen, comment typed but blank: the indicator stays ticked.
    r = client.post(url, {"score": "2", "reasons": ["convenience"], "comment": "  "})
    html = _text(r)
    assert _checked(html, "reasons") == {"convenience"}
    assert _error(html, "reasons") == "" and _error(html, "comment")
    r = client.post(url, {"score": "2", "reasons": ["convenience"], "comment": "预约系统打不开"})
    assert r.status_code == 302
    rating = Rating.objects.get()
    assert (rating.reasons, rating.comment, rating.channel) == (
        ["convenience"],
        "预约系统打不开",
        P,
    )
    shown = _text(client.get(url))
    assert "办事便捷度" in shown.split('id="my-rating"')[1]


def test_no_level_and_a_foreign_indicator_are_refused_next_to_their_fields(
    client, done_case, applicant
):
    client.force_login(applicant.user)
    url = reverse("evaluation:rate", args=[done_case.pk])
    html = _text(client.post(url, {"reasons": ["service_attitude"], "comment": "慢"}))
    assert _error(html, "score") == "请选择评价等级"
    assert _error(html, "reasons") == "无效的评价指标"
    assert "慢</textarea>" in html
    assert not Rating.objects.exists()


def test_the_sms_link_page(client, done_case):
    url = reverse("evaluation:rate_link", args=[actions.rate_token(done_case)])
    _assert_offers(_text(client.get(url)), ONLINE_INDICATORS, OFFLINE_INDICATORS)
    r = client.post(url, {"score": "2", "tags": ["超时办理", "多次跑腿"]})
    _assert_bad_rating_refused(r, tags=["超时办理", "多次跑腿"])
    r = client.post(url, {"score": "3"})  # 基本满意 is not a bad rating
    assert r.status_code == 302
    assert Rating.objects.get().score == 3


def test_the_pad_page(finish, pad, device_client):
    client = device_client(pad[1])
    case = finish(timezone.now())
    url = reverse("evaluation:pad")
    _assert_offers(_text(client.get(url)), OFFLINE_INDICATORS, ONLINE_INDICATORS)
    r = client.post(url, {"case": case.pk, "score": "2", "tags": ["态度生硬"]})
    _assert_bad_rating_refused(r, tags=["态度生硬"])
    assert case.number in _text(r)
    assert not Rating.objects.exists()
    r = client.post(
        url,
        {"case": case.pk, "score": "1", "reasons": ["service_level"], "comment": "业务不熟"},
        follow=True,
    )
    assert "感谢您的评价" in _text(r)
    rating = Rating.objects.get()
    assert (rating.channel, rating.reasons) == (Rating.Channel.PAD, ["service_level"])


def test_the_pad_shows_no_form_for_a_case_it_may_not_rate(finish, pad, device_client, new_case):
    client = device_client(pad[1])
    other = new_case()  # not closed at this window
    r = client.post(reverse("evaluation:pad"), {"case": other.pk, "score": "2"}, follow=True)
    assert other.number not in _text(r) and "评价未提交" in _text(r)
    assert not Rating.objects.exists()


def test_the_rerate_page(client, done_case, applicant, head):
    rating = close_bad_rating(done_case, applicant, head)
    client.force_login(applicant.user)
    url = reverse("evaluation:rate", args=[done_case.pk])
    html = _text(client.get(url))
    assert "欢迎再次评价" in html
    _assert_offers(html.split("欢迎再次评价")[1], ONLINE_INDICATORS, OFFLINE_INDICATORS)
    r = client.post(url, {"score": "2", "comment": "还是要跑两趟"})
    html = _text(r)
    assert _error(html, "reasons") == "差评请至少选择一项评价指标"
    assert _checked(html, "score") == {"2"} and "还是要跑两趟</textarea>" in html
    r = client.post(url, {"score": "2", "comment": "还是要跑两趟", "reasons": ["platform"]})
    assert r.status_code == 302
    rating.refresh_from_db()
    assert (rating.rerate_score, rating.rerate_reasons) == (2, ["platform"])
    assert "平台操作性" in _text(client.get(url))


def test_staff_pages_show_the_indicators(client, finish, applicant, head, supervisor):
    case = finish()
    actions.rate_case(
        case,
        actor=applicant.user,
        now=timezone.now(),
        score=2,
        channel=P,
        reasons=["guide_accuracy", "platform"],
        comment="指南与窗口要求不一致",
    )
    rect = Rating.objects.get().rectification
    for who in (head, supervisor):
        client.force_login(who)
        listing = _text(client.get(reverse("evaluation:rectifications")))
        assert "办事指南精确度、平台操作性" in listing
        detail = _text(client.get(reverse("evaluation:rectification", args=[rect.pk])))
        assert "办事指南精确度、平台操作性" in detail and "指南与窗口要求不一致" in detail
