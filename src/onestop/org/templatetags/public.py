"""Filters for public pages: `{% load public %}`, then `{{ text|redacted }}` for a free text
(lib.redact) and `{{ applicant|public_name }}` (an enterprise's name, a person's masked)."""

from typing import Any

from django import template

from onestop.lib.redact import mask_name, redact

register = template.Library()


@register.filter
def redacted(value: Any) -> str:
    return redact(str(value or ""))


@register.filter
def public_name(applicant: Any) -> str:
    """An enterprise's name is public; a person's shows only the surname (张*)."""
    name = str(getattr(applicant, "name", "") or "")
    return name if getattr(applicant, "kind", "") == "enterprise" else mask_name(name)
