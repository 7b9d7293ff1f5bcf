"""Celery for production: `celery -A onestop worker` and `celery -A onestop beat`.

The beat schedule is the job registry in onestop.core.jobs, which the apps fill in their
`ready()`: Celery's Django fix-up sets Django up before the app is finalized. The embedded run
uses the same jobs in an in-process thread instead (see wsgi.py).
"""

import os

from celery import Celery, signals

from onestop.core.jobs import JOBS
from onestop.tasks import run_periodic_job

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

app = Celery("onestop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["onestop"])


@app.on_after_finalize.connect
def schedule_jobs(sender: Celery, **kwargs: object) -> None:
    for job in JOBS:
        sender.add_periodic_task(job.every_seconds, run_periodic_job.s(job.name), name=job.name)


@signals.worker_init.connect
def refuse_default_audit_key(**kwargs: object) -> None:
    """A worker writes audit events too: it refuses to start without production's key."""
    from onestop.cases.checks import refuse_default_audit_key as refuse  # needs Django set up

    refuse()
