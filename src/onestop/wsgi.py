"""WSGI entry point (gunicorn onestop.wsgi)."""

import os
from collections.abc import Callable

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from onestop.cases.checks import refuse_default_audit_key  # noqa: E402  (needs the apps loaded)
from onestop.core.jobs import JOBS, Job  # noqa: E402  (filled by the apps' ready())
from onestop.lib.scheduler import start  # noqa: E402

refuse_default_audit_key()


def _start_inprocess_jobs() -> None:
    """The embedded run has no Celery beat: run the periodic jobs in a thread of this process."""
    if not settings.INPROCESS_JOBS:
        return

    def runner(job: Job) -> Callable[[], object]:
        return lambda: job.run(timezone.now())

    start([(job.name, job.every_seconds, runner(job)) for job in JOBS])


_start_inprocess_jobs()
