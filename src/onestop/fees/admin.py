"""Fees in the admin: rules are kept here; notices, payments and refunds are read-only records
(they change only through the actions, which write the case's audit trail)."""

from __future__ import annotations

from django.contrib import admin

from onestop.core.admin import ReadOnlyAdmin
from onestop.fees.models import FeeNotice, FeeRule, Payment, Refund


@admin.register(FeeRule)
class FeeRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "item_code", "kind", "amount", "unit_name", "active", "updated_at")
    list_filter = ("kind", "active")
    search_fields = ("name", "item_code", "legal_basis", "exempt_reason")
    fieldsets = (
        (None, {"fields": ("item_code", "name", "kind", "active")}),
        ("金额", {"fields": ("amount", "unit_name", "quantity_field")}),
        ("分档收费", {"fields": ("option_field", "option_amounts"), "classes": ("collapse",)}),
        ("依据", {"fields": ("legal_basis", "exempt_reason")}),
    )


@admin.register(FeeNotice)
class FeeNoticeAdmin(ReadOnlyAdmin):
    list_display = ("code", "case", "amount", "status", "issued_at", "paid_at")
    list_filter = ("status",)
    search_fields = ("code", "case__number")
    list_select_related = ("case__item",)
    date_hierarchy = "issued_at"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("notice", "amount", "method", "reference", "at", "by")
    search_fields = ("notice__code", "notice__case__number", "reference")
    list_select_related = ("notice", "by")
    date_hierarchy = "at"


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("payment", "amount", "reason", "at", "by")
    search_fields = ("payment__notice__code", "payment__notice__case__number", "reason")
    list_select_related = ("payment__notice", "by")
    date_hierarchy = "at"
