"""The deployment's own names, for pages: nothing in code or templates names a place.

They come from settings (ONESTOP_DEPLOYMENT_NAME, ONESTOP_CENTRE_NAME, ONESTOP_PLACE_NAME),
which read environment variables with neutral defaults; the demo sets its own (Makefile `run`).
Templates show them as {{ deployment.name }}, {{ deployment.centre }}, {{ deployment.place }}.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def names(request: HttpRequest) -> dict[str, dict[str, str]]:
    """Context processor."""
    return {
        "deployment": {
            "name": settings.ONESTOP_DEPLOYMENT_NAME,
            "centre": settings.ONESTOP_CENTRE_NAME,
            "place": settings.ONESTOP_PLACE_NAME,
        }
    }
