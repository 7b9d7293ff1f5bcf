"""The published verification script, downloaded from the public page and run on its own
against the public JSON, passes a real draw and fails every kind of change."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from onestop.draws import actions, rfc3797
from onestop.draws.models import Draw

SOURCES = ["371", "05 12 19 23 28 31", "09"]


@pytest.fixture
def drawn(db: None) -> Draw:
    officer = get_user_model().objects.create_user(username="trader_s", password="x-Passw0rd!")
    now = timezone.now()
    draw = actions.freeze_draw(
        kind=Draw.Kind.EXPERT,
        title="西区体育中心改造工程评标专家抽取",
        subject="",
        labels=[f"专家{i:02d}" for i in range(1, 31)],
        count=5,
        draw_at=now + timedelta(hours=2),
        randomness="福彩3D第2026318期及双色球第2026140期开奖号码",
        masked=True,
        actor=officer,
        now=now,
    )
    draw = actions.perform_draw(draw, sources=SOURCES, actor=officer, now=draw.draw_at)
    return actions.reveal_draw(draw, now=draw.draw_at + timedelta(days=1))


def run_script(client: Client, tmp_path: Path, record: dict[str, Any]) -> tuple[int, str]:
    script = tmp_path / "verify_draw.py"
    answer = client.get("/draws/verify_draw.py")
    assert answer.status_code == 200
    script.write_bytes(answer.content)
    data = tmp_path / "draw.json"
    data.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own script, in a clean interpreter
        [sys.executable, "-I", str(script), str(data)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout


def test_the_script_passes_the_published_draw(drawn: Draw, client: Client, tmp_path: Path) -> None:
    record = client.get(f"/draws/{drawn.pk}.json").json()
    code, out = run_script(client, tmp_path, record)
    assert code == 0, out
    assert "核验通过 PASS" in out


@pytest.mark.parametrize(
    "change",
    [
        "pick",
        "source",
        "list",
        "name",
        "drawn_before_the_announced_time",
        "frozen_after_the_randomness",
        "undrawn",
    ],
)
def test_the_script_detects_a_change(
    drawn: Draw, client: Client, tmp_path: Path, change: str
) -> None:
    record = client.get(f"/draws/{drawn.pk}.json").json()
    if change == "pick":
        taken = {p["position"] for p in record["picks"]}
        record["picks"][2]["position"] = next(n for n in range(1, 31) if n not in taken)
    elif change == "source":
        record["sources"][0] = ["173"]  # the same digits in another order
    elif change == "list":
        record["entries"][0], record["entries"][1] = record["entries"][1], record["entries"][0]
    elif change == "name":
        record["names"][3]["name"] = "专家99"
    elif change == "drawn_before_the_announced_time":
        record["drawn_at"] = record["frozen_at"]
    elif change == "frozen_after_the_randomness":
        record["frozen_at"] = record["drawn_at"]
    elif change == "undrawn":
        record["status"], record["picks"] = "frozen", []
    code, out = run_script(client, tmp_path, record)
    assert code == 1, out
    assert "核验未通过 FAIL" in out


def test_a_changed_pick_in_the_database_fails_on_the_page(drawn: Draw, client: Client) -> None:
    pick = drawn.picks.get(seq=0)
    pick.position = next(n for n in range(1, 31) if not drawn.picks.filter(position=n).exists())
    pick.save()
    page = client.get(f"/draws/{drawn.pk}/?verify=1").content.decode()
    assert "核验未通过" in page and "第 1 个抽取结果应为名单第" in page


@given(st.text("0123456789", min_size=2, max_size=6))
def test_ordered_digits_entered_as_one_number_keep_their_order(digits: str) -> None:
    one = rfc3797.key_string([rfc3797.parse_source(digits)])
    reordered = digits[::-1]
    other = rfc3797.key_string([rfc3797.parse_source(reordered)])
    assert (one == other) == (int(digits) == int(reordered))
    spaced = rfc3797.key_string([rfc3797.parse_source(" ".join(digits))])
    assert spaced == rfc3797.key_string([rfc3797.parse_source(" ".join(reordered))])
