from django.contrib import admin

from onestop.core.admin import ReadOnlyAdmin
from onestop.draws.models import Draw


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    """Read-only: a draw changes only through its actions."""

    list_display = ("pk", "kind", "title", "status", "draw_at", "list_sha256")
    list_filter = ("kind", "status")
    # A masked draw's names and salt stay off every page until revealed (the public page shows
    # them then).
    exclude = ("labels", "salt")
