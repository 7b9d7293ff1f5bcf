"""The member items of a stage or bundle, the merged form and the shared materials, and where
a project stands in its stages (reads the acceptance and the pages share)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onestop.catalog.models import ServiceItem
from onestop.parallel.models import Project, Submission, Track, TrackItem
from onestop.parallel.workflow import SUBMISSION


@dataclass
class MemberItem:
    link: TrackItem
    item: ServiceItem


@dataclass
class Merged:
    """What one acceptance asks: one form, one set of materials."""

    fields: list[dict[str, Any]]
    materials: list[dict[str, Any]]  # {name, required, items: [item names]}
    sum_of_items: int  # the materials the items would ask for separately

    @property
    def saved(self) -> int:
        return self.sum_of_items - len(self.materials)


def members_of(track: Track) -> list[MemberItem]:
    """The member items with their published versions (one query for all of them)."""
    links = list(track.members.all())
    published = {
        item.code: item
        for item in ServiceItem.objects.filter(
            code__in=[link.item_code for link in links], status=ServiceItem.Status.PUBLISHED
        ).select_related("department")
    }
    return [
        MemberItem(link, published[link.item_code]) for link in links if link.item_code in published
    ]


def merged(track: Track, members: Sequence[MemberItem] | None = None) -> Merged:
    """The union of the member items' forms (a field asked once by name) and materials (a
    material asked once by name, required if any item requires it)."""
    members = members_of(track) if members is None else members
    fields: dict[str, dict[str, Any]] = {}
    for m in members:
        for f in m.item.form_schema or []:
            fields.setdefault(f["name"], {**f, "items": []})["items"].append(m.item.name)
    for f in track.extra_form or []:
        fields.setdefault(f["name"], {**f, "items": []})
    materials: dict[str, dict[str, Any]] = {}
    total = 0
    for m in members:
        for mat in m.item.materials.all():
            total += 1
            row = materials.setdefault(mat.name, {"name": mat.name, "required": False, "items": []})
            row["required"] = row["required"] or mat.required
            row["items"].append(m.item.name)
    return Merged(list(fields.values()), list(materials.values()), total)


def stages() -> list[Track]:
    return list(Track.objects.filter(kind=Track.Kind.STAGE, active=True).order_by("order"))


def stage_submission(project: Project, track: Track) -> Submission | None:
    return Submission.objects.filter(project=project, track=track).first()


def previous_done(project: Project, track: Track) -> bool:
    """Whether the stage before `track` has been granted (the first stage has none)."""
    before = (
        Track.objects.filter(kind=Track.Kind.STAGE, active=True, order__lt=track.order)
        .order_by("-order")
        .first()
    )
    if before is None:
        return True
    sub = stage_submission(project, before)
    return sub is not None and SUBMISSION.is_in(sub.status, "GRANTED")
