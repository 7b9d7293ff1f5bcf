"""The administrator sets the card rules and the weights of the efficiency score here; cards,
alerts and violations change only through the actions and the sweep."""

from __future__ import annotations

from django.contrib import admin

from onestop.supervision.models import CardRule, ScoreWeights


@admin.register(CardRule)
class CardRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "trigger",
        "violation_kind",
        "threshold",
        "colour",
        "target",
        "rectify_days",
        "active",
        "since",
    )
    list_filter = ("trigger", "colour", "active")
    list_editable = ("active",)


@admin.register(ScoreWeights)
class ScoreWeightsAdmin(admin.ModelAdmin):
    list_display = ("on_time", "early", "satisfaction", "yellow", "red", "overdue", "changed_at")
