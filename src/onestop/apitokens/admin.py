"""Token administration: an administrator creates a token (shown once) and revokes it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from onestop.apitokens.actions import create_token, revoke_token
from onestop.apitokens.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ("user", "name")
        return ("user", "name", "created_at", "last_used_at", "revoked", "revoked_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("user", "created_at", "last_used_at", "revoked", "revoked_at")

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = create_token(obj.user, name=obj.name, now=timezone.now())
        obj.pk, obj.token_hash, obj.created_at = token.pk, token.token_hash, token.created_at
        messages.warning(
            request, f"令牌“{token.name}”已创建，请立即复制保存，它不会再次显示：{raw}"
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Revoke instead of delete, so the record of who had a token stays.
        return False

    @admin.action(description="吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        now = timezone.now()
        for token in queryset:
            revoke_token(token, now=now)
        messages.success(request, f"已吊销 {queryset.count()} 个令牌。")
