"""The submission's own history rows, and its row lock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User

from onestop.parallel.models import Submission, SubmissionEvent


def record(sub: Submission, kind: str, actor: User | None, now: datetime, **data: Any) -> None:
    SubmissionEvent.objects.create(submission=sub, kind=kind, at=now, actor=actor, data=data)


def lock(sub: Submission) -> Submission:
    return Submission.objects.select_for_update().get(pk=sub.pk)
