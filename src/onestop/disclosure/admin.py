from django.contrib import admin

from onestop.core.admin import ReadOnlyAdmin
from onestop.disclosure.models import LicenceDecision


@admin.register(LicenceDecision)
class LicenceDecisionAdmin(ReadOnlyAdmin):
    """Read-only: a row is written by the decision (or the catch-up job), never by hand."""

    list_display = (
        "document_number",
        "counterpart_name",
        "item_name",
        "decision",
        "decided_on",
        "department_name",
        "published_at",
        "publish_by",
    )
    list_filter = ("decision", "counterpart_kind", "department")
    search_fields = ("document_number", "counterpart_name", "counterpart_code", "item_name")
    date_hierarchy = "decided_on"
    raw_id_fields = ("case",)
