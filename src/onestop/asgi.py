"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
application = get_asgi_application()

from onestop.cases.checks import refuse_default_audit_key  # noqa: E402  (needs the apps loaded)

refuse_default_audit_key()
