"""The hotline in the admin: the deadline table, leaders, the knowledge base and the routing
keyword rules are kept here; tickets are read-only records (they change only through the
actions)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onestop.core.admin import ReadOnlyAdmin
from onestop.hotline.actions import refresh_search_words
from onestop.hotline.models import (
    Article,
    DeadlineRule,
    Leader,
    RouterModel,
    RoutingRule,
    Ticket,
)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "urgency", "amount", "unit", "sign_hours")


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ("user", "title")
    raw_id_fields = ("user",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "review_on", "expires_on", "updated_at")
    list_filter = ("department",)
    search_fields = ("title", "keywords", "body")
    exclude = ("search_words", "updated_at")

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        from django.utils import timezone

        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
        refresh_search_words(obj)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Keyword rules are edited in place: the list is the table an administrator keeps."""

    list_display = ("keywords", "department", "active", "note", "updated_at")
    list_editable = ("department", "active")
    list_filter = ("active", "department")
    search_fields = ("keywords", "note")


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "status", "title", "lead_department", "registered_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("number", "title")
    exclude = ("caller_phone", "caller_name")  # personal data stays behind the scoped pages


@admin.register(RouterModel)
class RouterModelAdmin(ReadOnlyAdmin):
    list_display = ("trained_at", "samples", "source", "sha256")
