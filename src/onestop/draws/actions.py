"""Draw moves: freeze a list before the randomness exists, draw once it is published,
continue the same sequence for replacements, reveal masked names. One transaction each."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.draws import rfc3797
from onestop.draws.errors import DrawError
from onestop.draws.models import Draw, DrawPick
from onestop.draws.queries import public_record
from onestop.draws.rfc3797 import Check, commitment
from onestop.draws.workflow import check


@transaction.atomic
def freeze_draw(
    *,
    kind: str,
    title: str,
    subject: str,
    labels: Sequence[str],
    count: int,
    draw_at: datetime,
    randomness: str,
    masked: bool,
    actor: User,
    now: datetime,
) -> Draw:
    """Freeze the eligible list (after exclusions) in canonical order and publish its hash,
    the draw time and the named future randomness; the draw itself comes later."""
    labels = [label.strip() for label in labels]
    if any(not label for label in labels) or len(set(labels)) != len(labels):
        raise DrawError("候选名单有空项或重复项", field="labels")
    if count < 1:
        raise DrawError("抽取数量至少为 1", field="count")
    if count > len(labels):
        raise DrawError(
            f"符合条件的候选只有 {len(labels)} 个，不足 {count} 个，不能抽取", field="count"
        )
    if draw_at <= now:
        raise DrawError("抽取时间必须晚于冻结名单的时间（随机源须在冻结后才产生）", field="draw_at")
    if not randomness.strip():
        raise DrawError("请写明将使用的公开随机源（如某期彩票开奖号码）", field="randomness")
    salt = secrets.token_hex(16) if masked else ""
    keyed = sorted(((commitment(salt, lb) if masked else lb), lb) for lb in labels)
    entries = [e for e, _ in keyed]
    return Draw.objects.create(
        kind=kind,
        title=title,
        subject=subject,
        entries=entries,
        labels=[lb for _, lb in keyed],
        list_sha256=rfc3797.list_digest(entries),
        masked=masked,
        salt=salt,
        count=count,
        draw_at=draw_at,
        randomness=randomness.strip(),
        frozen_at=now,
        frozen_by=actor,
    )


def _parse_sources(texts: Sequence[str]) -> tuple[list[list[str]], str]:
    sources = [rfc3797.parse_source(t) for t in texts if t.strip()]
    try:
        return sources, rfc3797.key_string(sources)
    except ValueError as e:
        raise DrawError(str(e), field="sources") from e


@transaction.atomic
def perform_draw(draw: Draw, *, sources: Sequence[str], actor: User, now: datetime) -> Draw:
    """Enter the published random values and select by RFC 3797."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    check(draw, "perform")
    if now < draw.draw_at:
        raise DrawError("未到公布的抽取时间，随机源尚未产生")
    parsed, key = _parse_sources(sources)
    positions = rfc3797.sequence(len(draw.entries), draw.count, key)
    DrawPick.objects.bulk_create(
        DrawPick(draw=draw, seq=i, position=p, at=now) for i, p in enumerate(positions)
    )
    draw.sources, draw.key_string = parsed, key
    draw.status, draw.drawn_at, draw.drawn_by = Draw.Status.DRAWN, now, actor
    fields = ["sources", "key_string", "status", "drawn_at", "drawn_by"]
    if not draw.masked:
        draw.published_at = now
        fields.append("published_at")
    draw.save(update_fields=fields)
    return draw


@transaction.atomic
def draw_replacement(draw: Draw, *, replaces: DrawPick, reason: str, now: datetime) -> DrawPick:
    """The next selection of the same sequence replaces a pick that cannot serve."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    check(draw, "replace")
    if not reason.strip():
        raise DrawError("请写明补抽原因", field="reason")
    replaces = DrawPick.objects.select_for_update().get(pk=replaces.pk, draw=draw)
    if replaces.declined:
        raise DrawError("该人选已被替换")
    n = draw.picks.count()
    if n >= len(draw.entries):
        raise DrawError("候选名单已抽完，无人可补")
    position = rfc3797.sequence(len(draw.entries), n + 1, draw.key_string)[n]
    replaces.declined = True
    replaces.save(update_fields=["declined"])
    return DrawPick.objects.create(
        draw=draw, seq=n, position=position, replaces=replaces, reason=reason.strip(), at=now
    )


@transaction.atomic
def reveal_draw(draw: Draw, *, now: datetime) -> Draw:
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if not draw.revealed:
        draw.revealed, draw.published_at = True, now
        draw.save(update_fields=["revealed", "published_at"])
    return draw


@transaction.atomic
def check_sources(draw: Draw, *, actor: User, now: datetime) -> Draw:
    """The centre confirms that an owner's draw used the lottery's official results and that
    the result re-runs; nothing else of the draw is the centre's to change."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    check(draw, "check_sources")
    if not verify_draw(draw).ok:
        raise DrawError("重新运行不能复现保存的结果，不能确认")
    draw.sources_checked_at, draw.sources_checked_by = now, actor
    draw.save(update_fields=["sources_checked_at", "sources_checked_by"])
    return draw


def label_of(draw: Draw, pick: DrawPick) -> str:
    """The name behind a pick (callers decide whether it may be shown)."""
    return str(draw.labels[pick.position - 1])


def position_of(draw: Draw, label: str) -> int:
    return list(draw.labels).index(label) + 1


def verify_draw(draw: Draw) -> Check:
    """Re-run the draw from its public record with the published script's own code, so that
    the platform's verdict is the one anyone gets at home."""
    return rfc3797.verify_record(public_record(draw))
