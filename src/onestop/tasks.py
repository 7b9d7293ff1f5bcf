"""Celery tasks."""

from celery import shared_task
from django.utils import timezone

from onestop.core.jobs import run_job


@shared_task(name="onestop.run_periodic_job")
def run_periodic_job(name: str) -> str:
    return str(run_job(name, timezone.now()))
