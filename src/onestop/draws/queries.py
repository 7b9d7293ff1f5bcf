"""Public reads of draws: what a page may show of a masked list.

A masked list (the expert committee) names nobody before the result; after it, only the
committee: the picks that were not replaced. The rest of the pool stays a list of commitments
(each can be checked against a name with the published salt). Replacement reasons go through
lib.redact, with every name that is not published masked too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from onestop.draws.models import Draw, DrawPick
from onestop.lib.redact import redact


def names_visible(draw: Draw) -> bool:
    return not draw.masked or draw.revealed


def public_names(draw: Draw, picks: list[DrawPick] | None = None) -> dict[int, str]:
    """Names by list position (1-based) that anyone may read."""
    if not draw.masked:
        return {i + 1: str(label) for i, label in enumerate(draw.labels)}
    if not draw.revealed:
        return {}
    picks = picks if picks is not None else list(draw.picks.all())
    return {p.position: str(draw.labels[p.position - 1]) for p in picks if not p.declined}


def _hidden_names(draw: Draw, shown: dict[int, str]) -> list[str]:
    """Every label not published, and the name part of it ("ZJ0007 王建华" → "王建华")."""
    hidden = [str(lb) for i, lb in enumerate(draw.labels) if i + 1 not in shown]
    return hidden + [lb.split(" ", 1)[-1] for lb in hidden]


@dataclass
class PickRow:
    seq: int
    position: int
    entry: str
    name: str
    declined: bool
    reason: str
    replaces_seq: int | None


def pick_rows(draw: Draw) -> list[PickRow]:
    picks = list(draw.picks.select_related("replaces").order_by("seq"))
    shown = public_names(draw, picks)
    hidden = _hidden_names(draw, shown)
    return [
        PickRow(
            seq=p.seq,
            position=p.position,
            entry=str(draw.entries[p.position - 1]),
            name=shown.get(p.position, ""),
            declined=p.declined,
            reason=redact(p.reason, names=hidden),
            replaces_seq=p.replaces.seq if p.replaces else None,
        )
        for p in picks
    ]


def _local(at: datetime | None) -> str | None:
    """A time with its zone, in the centre's zone (e.g. 2026-12-01T10:00:00+08:00)."""
    return timezone.localtime(at).isoformat() if at else None


def public_record(draw: Draw) -> dict[str, Any]:
    """Everything needed to re-run the draw elsewhere (the page's JSON download)."""
    show = names_visible(draw)
    return {
        "id": draw.pk,
        "kind": draw.kind,
        "title": draw.title,
        "algorithm": "RFC 3797",
        "entries": list(draw.entries),
        "list_sha256": draw.list_sha256,
        "list_hash_input": "entries joined, each followed by a newline, UTF-8",
        "masked": draw.masked,
        "salt": draw.salt if show else None,
        # an open list: every name (they are the entries); a masked one: the committee only
        "names": (
            [{"position": k, "name": v} for k, v in sorted(public_names(draw).items())]
            if show
            else None
        ),
        "count": draw.count,
        "status": draw.status,
        "frozen_at": _local(draw.frozen_at),
        "draw_at": _local(draw.draw_at),
        "drawn_at": _local(draw.drawn_at),
        "published_at": _local(draw.published_at),
        "sources_checked_at": _local(draw.sources_checked_at),
        "randomness": draw.randomness,
        "sources": draw.sources,
        "key_string": draw.key_string,
        "picks": [
            {"seq": r.seq, "position": r.position, "replaces_seq": r.replaces_seq}
            for r in pick_rows(draw)
        ],
    }
