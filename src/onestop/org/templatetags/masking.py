from django import template

from onestop.lib.identity import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked(value: str) -> str:
    """5104**********1234 for an ID number or credit code."""
    return mask_id_number(value or "")


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")
