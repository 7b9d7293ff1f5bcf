"""Abstract rows every app's history shares (core has no tables and no migrations).

A history row (事项变更记录, 亮牌记录, …) says who did what to an object and when; each app's
concrete row adds its object, its kinds of move and its note. The user field is the one way to
point at a person who may be absent (a sweep's move has no actor) without a reverse accessor.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

OnDelete = Any  # Django's on_delete callables (PROTECT, SET_NULL, …) have no public type


def optional_user(verbose_name: Any = None, *, on_delete: OnDelete = models.PROTECT) -> Any:
    """A nullable foreign key to a user, with no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name="+",
    )


class HistoryRow(models.Model):
    """One append-only row of an object's history: who (None: the system) and when."""

    actor = optional_user(_("操作人"))
    at = models.DateTimeField(_("时间"))

    class Meta:
        abstract = True
