"""The outbox delivery job, registered in onestop.jobs (imported before Django is set up, so
the models are imported only when the job runs)."""

from __future__ import annotations

from datetime import datetime


def deliver_notifications(now: datetime) -> int:
    from onestop.notify.actions import deliver_due

    return deliver_due(now)
