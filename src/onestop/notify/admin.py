from django.contrib import admin

from onestop.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "address",
        "recipient",
        "subject",
        "status",
        "attempts",
    ]
    list_filter = ["channel", "status"]
    search_fields = ["address", "subject"]
    readonly_fields = ["created_at", "sent_at", "claimed_by", "claimed_until"]
