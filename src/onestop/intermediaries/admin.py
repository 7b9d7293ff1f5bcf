from django.contrib import admin

from onestop.intermediaries.models import Intermediary


@admin.register(Intermediary)
class IntermediaryAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "status", "service_areas", "rating_count")
    list_filter = ("status",)
    search_fields = ("name", "credit_code")
    readonly_fields = ("status", "rating_sum", "rating_count", "verified_at")
