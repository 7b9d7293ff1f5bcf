"""Numbered counters: case numbers, ticket numbers, document numbers (one row per prefix)."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models import F


class Sequence(models.Model):
    """The last number given under a prefix (e.g. a centre and a day)."""

    prefix = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


def next_in_sequence(model: type[Sequence], prefix: str) -> int:
    """The next number of a named counter row.

    The UPDATE takes the row lock, so concurrent requests get consecutive numbers; the first
    request of a new prefix creates the row (a racing second one falls back to the UPDATE)."""
    rows = model._default_manager
    if not rows.filter(prefix=prefix).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                rows.create(prefix=prefix, last=1)
        except IntegrityError:
            rows.filter(prefix=prefix).update(last=F("last") + 1)
    return int(rows.values_list("last", flat=True).get(prefix=prefix))
