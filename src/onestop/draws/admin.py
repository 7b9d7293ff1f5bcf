from django.contrib import admin

from onestop.draws.models import Draw


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    """Read-only: a draw changes only through its actions."""

    list_display = ("pk", "kind", "title", "status", "draw_at", "list_sha256")
    list_filter = ("kind", "status")
    # A masked draw's names and salt stay off every page until revealed (the public page shows
    # them then).
    exclude = ("labels", "salt")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
