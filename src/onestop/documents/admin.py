from django.contrib import admin
from django.http import HttpRequest

from onestop.documents.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read only: certificates are issued and revoked through the actions, which sign them and
    write the case's audit trail."""

    list_display = ["number", "item_name", "holder_name", "department", "issued_at", "status"]
    list_filter = ["status", "department"]
    search_fields = ["number", "holder_name", "case__number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
