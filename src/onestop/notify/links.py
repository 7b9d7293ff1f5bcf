"""Absolute links in messages: a text message or an e-mail is read outside the site."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` on settings.PUBLIC_BASE_URL (set by the deployment; the embedded run sets it to
    the address it serves on, `demo` serve)."""
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"
