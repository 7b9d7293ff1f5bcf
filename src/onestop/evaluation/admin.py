"""Ratings and rectifications in the admin: read-only records (they change only through the
actions, which write the case's audit trail)."""

from __future__ import annotations

from django.contrib import admin

from onestop.core.admin import ReadOnlyAdmin
from onestop.evaluation.models import Rating, Rectification


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = (
        "case",
        "department",
        "score",
        "indicators",
        "rerate_score",
        "channel",
        "real_name",
        "rated_at",
    )
    list_filter = ("score", "channel", "real_name", "department")
    search_fields = ("case__number", "comment")
    raw_id_fields = ("case", "rated_by")

    @admin.display(description="评价指标")
    def indicators(self, obj: Rating) -> str:
        return "、".join(obj.indicator_labels) or "—"


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ("case", "department", "status", "due_at", "contacted_at", "closed_at")
    list_filter = ("status", "department")
    search_fields = ("case__number", "measure", "contact_note")
    raw_id_fields = ("case", "rating", "handler")
