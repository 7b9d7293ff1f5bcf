"""Public reads of draws: what a page may show of a masked list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from onestop.draws.models import Draw


def names_visible(draw: Draw) -> bool:
    return not draw.masked or draw.revealed


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
    show = names_visible(draw)
    rows = []
    for p in draw.picks.select_related("replaces").order_by("seq"):
        rows.append(
            PickRow(
                seq=p.seq,
                position=p.position,
                entry=str(draw.entries[p.position - 1]),
                name=str(draw.labels[p.position - 1]) if show else "",
                declined=p.declined,
                reason=p.reason,
                replaces_seq=p.replaces.seq if p.replaces else None,
            )
        )
    return rows


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
        "names": list(draw.labels) if show else None,
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
