"""统一送达: every member's result handed over at once."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases import actions as cases
from onestop.cases.models import Case
from onestop.core.errors import TransitionError
from onestop.parallel.actions.history import lock, record
from onestop.parallel.errors import ParallelError
from onestop.parallel.models import Submission
from onestop.parallel.permissions import require_parallel_clerk
from onestop.parallel.workflow import MEMBER_ISSUED, SUBMISSION


@transaction.atomic
def deliver(sub: Submission, *, actor: User, now: datetime, method: str) -> Submission:
    """统一送达: every member's result handed over at once."""
    sub = lock(sub)
    require_parallel_clerk(actor, sub.centre)
    if sub.status == Submission.Status.DELIVERED:
        raise TransitionError("结果已统一送达")
    if not SUBMISSION.allowed_from("deliver", sub.status):
        raise TransitionError("全部事项办结（准予）后才能统一送达")
    members = list(sub.members.select_related("case"))
    waiting = [m.case.item.name for m in members if m.case.status not in MEMBER_ISSUED]
    if waiting:
        raise TransitionError("以下事项尚未办结出证：" + "、".join(waiting))
    if not method.strip():
        raise ParallelError("请选择送达方式", field="method")
    for m in members:
        if m.case.status == Case.Status.COMPLETED:
            cases.deliver_case(m.case, actor=actor, now=now, method=method.strip())
    sub.status = Submission.Status.DELIVERED
    sub.delivered_at = now
    sub.delivery_method = method.strip()[:40]
    sub.save(update_fields=["status", "delivered_at", "delivery_method"])
    record(sub, "delivered", actor, now, method=sub.delivery_method)
    return sub
