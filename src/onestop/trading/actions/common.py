"""What every move of a trading project shares: the locked row checked against the project's
workflow, the event on its record, and the context its keys are bound to."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User

from onestop.trading.models import Event, Project
from onestop.trading.workflow import PROJECT


def lock(project: Project, move: str | None = None) -> Project:
    """The project's row, locked; when a move is named, the workflow must allow it from the
    project's current state."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if move is not None:
        PROJECT.check(project.status, move)
    return project


def record_event(
    project: Project, action: str, *, actor: User | None, now: datetime, note: str = ""
) -> None:
    Event.objects.create(project=project, at=now, actor=actor, action=action, note=note)


def key_context(project: Project) -> bytes:
    """Binds a project's sealed bids and key shares to it (a ciphertext moved to another
    project does not open)."""
    return f"onestop-trading|{project.pk}|{project.code}".encode()
