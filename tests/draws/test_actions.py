"""Freezing, drawing, replacing and verifying a draw; the public page and verify_draw."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from onestop.draws import actions
from onestop.draws.errors import DrawError
from onestop.draws.models import Draw

RFC = ["9319", "2 5 12 8 10", "9,18,26,34,41,45"]


@pytest.fixture
def officer(db: None):  # type: ignore[no-untyped-def]
    return get_user_model().objects.create_user(username="trader_t", password="x-Passw0rd!")


def _freeze(officer, n: int = 25, count: int = 11, masked: bool = False):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return actions.freeze_draw(
        kind=Draw.Kind.INTERMEDIARY,
        title="测绘服务抽取",
        subject="",
        labels=[f"候选甲{i:02d}" for i in range(1, n + 1)],
        count=count,
        draw_at=now + timedelta(hours=1),
        randomness="2026年第138期双色球开奖号码",
        masked=masked,
        actor=officer,
        now=now,
    )


def _draw(draw, officer):  # type: ignore[no-untyped-def]
    return actions.perform_draw(
        draw, sources=RFC, actor=officer, now=draw.draw_at + timedelta(minutes=1)
    )


def test_it_freezes_a_sorted_list_with_its_hash(officer) -> None:  # type: ignore[no-untyped-def]
    draw = _freeze(officer)
    assert draw.entries == sorted(draw.entries)
    assert len(draw.list_sha256) == 64
    assert draw.status == Draw.Status.FROZEN


def test_it_refuses_a_draw_time_in_the_past(officer) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    with pytest.raises(DrawError, match="晚于"):
        actions.freeze_draw(
            kind=Draw.Kind.EXPERT, title="x", subject="", labels=["a", "b"], count=1,
            draw_at=now, randomness="r", masked=False, actor=officer, now=now,
        )  # fmt: skip


def test_it_refuses_too_few_candidates(officer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DrawError, match="不足"):
        _freeze(officer, n=3, count=5)


def test_it_refuses_to_draw_before_the_announced_time(officer) -> None:  # type: ignore[no-untyped-def]
    draw = _freeze(officer)
    with pytest.raises(DrawError, match="未到"):
        actions.perform_draw(draw, sources=RFC, actor=officer, now=draw.frozen_at)


def test_the_draw_follows_the_rfc_example_and_cannot_be_redone(officer) -> None:  # type: ignore[no-untyped-def]
    draw = _draw(_freeze(officer), officer)
    positions = list(draw.picks.values_list("position", flat=True))
    assert positions == [17, 7, 2, 16, 25, 23, 8, 24, 19, 13, 22]
    assert draw.key_string == "9319./2.5.8.10.12./9.18.26.34.41.45./"
    with pytest.raises(DrawError):
        _draw(draw, officer)


def test_a_replacement_continues_the_sequence(officer) -> None:  # type: ignore[no-untyped-def]
    draw = _draw(_freeze(officer, count=5), officer)
    first = draw.picks.get(seq=1)
    extra = actions.draw_replacement(draw, replaces=first, reason="回避", now=timezone.now())
    assert extra.seq == 5 and extra.position == 23  # the 6th of the RFC's sequence
    first.refresh_from_db()
    assert first.declined
    assert actions.verify_draw(draw).ok


def test_verify_notices_tampering(officer) -> None:  # type: ignore[no-untyped-def]
    draw = _draw(_freeze(officer), officer)
    assert actions.verify_draw(draw).ok
    Draw.objects.filter(pk=draw.pk).update(entries=list(reversed(draw.entries)))
    draw.refresh_from_db()
    assert not actions.verify_draw(draw).list_ok
    draw2 = _draw(_freeze(officer, count=3), officer)
    draw2.picks.filter(seq=0).update(position=1 if draw2.picks.get(seq=0).position != 1 else 2)
    assert not actions.verify_draw(draw2).ok


def test_verify_draw_command(officer) -> None:  # type: ignore[no-untyped-def]
    draw = _draw(_freeze(officer), officer)
    out = StringIO()
    call_command("verify_draw", str(draw.pk), stdout=out)
    assert "核验通过" in out.getvalue()
    draw.picks.filter(seq=0).update(position=1)
    with pytest.raises(CommandError, match="核验未通过"):
        call_command("verify_draw", str(draw.pk), stdout=StringIO())
    with pytest.raises(CommandError, match="不存在"):
        call_command("verify_draw", "999999", stdout=StringIO())


def test_a_masked_list_hides_names_until_revealed(officer, client) -> None:  # type: ignore[no-untyped-def]
    draw = _draw(_freeze(officer, count=5, masked=True), officer)
    page = client.get(f"/draws/{draw.pk}/").content.decode()
    data = client.get(f"/draws/{draw.pk}.json").json()
    assert "候选甲" not in page and data["names"] is None and data["salt"] is None
    actions.reveal_draw(draw, now=timezone.now())
    page = client.get(f"/draws/{draw.pk}/").content.decode()
    assert "候选甲" in page
    assert actions.verify_draw(draw).ok


def test_the_public_page_reruns_the_draw(officer, client) -> None:  # type: ignore[no-untyped-def]
    draw = _draw(_freeze(officer), officer)
    page = client.get(f"/draws/{draw.pk}/?verify=1").content.decode()
    assert "核验通过" in page
    assert draw.list_sha256 in page
    data = client.get(f"/draws/{draw.pk}.json").json()
    assert [p["position"] for p in data["picks"]][:3] == [17, 7, 2]
    assert client.get("/draws/").status_code == 200
    assert client.get("/draws/999999/").status_code == 404


def test_verify_draw_refuses_an_undrawn_draw_and_says_the_zone(officer) -> None:  # type: ignore[no-untyped-def]
    draw = _freeze(officer)
    check = actions.verify_draw(draw)
    assert not check.ok and not check.drawn
    out = StringIO()
    with pytest.raises(CommandError, match="尚未抽取"):
        call_command("verify_draw", str(draw.pk), stdout=out)
    local = timezone.localtime(draw.frozen_at)
    assert f"{local:%Y-%m-%d %H:%M:%S} CST +0800" in out.getvalue()


def test_the_public_record_carries_its_times_with_their_zone(officer, client) -> None:  # type: ignore[no-untyped-def]
    draw = _draw(_freeze(officer), officer)
    data = client.get(f"/draws/{draw.pk}.json").json()
    for name in ("frozen_at", "draw_at", "drawn_at", "published_at"):
        assert data[name].endswith("+08:00"), name
    assert data["drawn_at"] == data["published_at"]  # an open list is public when drawn
    assert data["sources"] == [
        ["9319"],
        ["2", "5", "12", "8", "10"],
        ["9", "18", "26", "34", "41", "45"],
    ]
    masked = _draw(_freeze(officer, count=5, masked=True), officer)
    assert client.get(f"/draws/{masked.pk}.json").json()["published_at"] is None
    actions.reveal_draw(masked, now=timezone.now())
    assert client.get(f"/draws/{masked.pk}.json").json()["published_at"].endswith("+08:00")
