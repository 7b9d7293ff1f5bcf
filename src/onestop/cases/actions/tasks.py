"""Tasks of a case: claim, release, reassign, a co-department's opinion, the lead review."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases.actions.common import already_done, lock_case, new_task, set_status
from onestop.cases.audit import record_event
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, Task
from onestop.cases.permissions import check_move, holds_role
from onestop.core.errors import NotAllowed, TransitionError
from onestop.org.models import Role

S = Case.Status


def _lock_task(task: Task) -> tuple[Task, Case]:
    case = lock_case(task.case_id)
    task = Task.objects.select_for_update().select_related("department").get(pk=task.pk)
    return task, case


def _check_task_actor(task: Task, case: Case, actor: User) -> None:
    if not holds_role(actor, case, [task.role], task.department_id):
        raise NotAllowed("您不是该任务所属部门的相应岗位人员")


TASK_KIND_MISMATCH: dict[str, str] = {
    Task.Kind.OPINION: "这不是会签意见任务",
    Task.Kind.REVIEW: "这不是审核任务",
    Task.Kind.DECIDE: "这不是审批决定任务",
    Task.Kind.EXTENSION: "这不是延期审批任务",
}


def lock_task_move(
    task: Task, *, kind: str, move: str, actor: User, key: str
) -> tuple[Task, Case, bool]:
    """Lock a task and its case for one of the task's own moves; the flag says the request key
    was already recorded (the repeated request does nothing). Checks the task's kind, that the
    actor holds the task's role in its department, and that the case's state allows `move`."""
    task, case = _lock_task(task)
    if already_done(case, key):
        return task, case, True
    if task.kind != kind:
        raise TransitionError(TASK_KIND_MISMATCH[kind])
    _check_task_actor(task, case, actor)
    check_move(case, move, None)
    return task, case, False


def _assign(task: Task, case: Case, user: User, now: datetime) -> None:
    """Give an open or claimed task to `user`; the first claim of the review starts it."""
    task.status, task.assignee, task.claimed_at = Task.Status.CLAIMED, user, now
    task.save(update_fields=["status", "assignee", "claimed_at"])
    if task.kind == Task.Kind.REVIEW and case.status == S.ACCEPTED:
        set_status(case, S.UNDER_REVIEW)


def finish_task(task: Task, actor: User, now: datetime, outcome: str, opinion: str) -> None:
    """Complete a task the actor holds, or an open one (claimed and done in one write)."""
    if task.status == Task.Status.CLAIMED and task.assignee_id != actor.pk:
        holder = task.assignee.get_full_name() if task.assignee else ""
        raise TransitionError(f"该任务已由{holder or '其他人员'}认领")
    if task.status not in Task.OPEN_STATES:
        raise TransitionError(f"该任务已{task.get_status_display()}")
    if task.status == Task.Status.OPEN:
        task.assignee, task.claimed_at = actor, now
    task.status, task.done_at, task.outcome, task.opinion = Task.Status.DONE, now, outcome, opinion
    task.save(update_fields=["status", "done_at", "outcome", "opinion", "assignee", "claimed_at"])


@transaction.atomic
def claim_task(task: Task, *, actor: User, now: datetime, key: str = "") -> Task:
    task, case = _lock_task(task)
    if already_done(case, key):
        return task
    _check_task_actor(task, case, actor)
    if task.status != Task.Status.OPEN:
        raise TransitionError("该任务已被认领或已完成")
    _assign(task, case, actor, now)
    record_event(
        case,
        "task_claimed",
        actor=actor,
        now=now,
        key=key,
        data={"task": task.pk, "kind": task.kind},
    )
    return task


@transaction.atomic
def release_task(task: Task, *, actor: User, now: datetime, key: str = "") -> Task:
    """Hand a claimed task back to the department's queue."""
    task, case = _lock_task(task)
    if already_done(case, key):
        return task
    if task.status != Task.Status.CLAIMED or task.assignee_id != actor.pk:
        raise TransitionError("只能退回本人已认领的任务")
    task.status, task.assignee, task.claimed_at = Task.Status.OPEN, None, None
    task.save(update_fields=["status", "assignee", "claimed_at"])
    record_event(case, "task_released", actor=actor, now=now, key=key, data={"task": task.pk})
    return task


@transaction.atomic
def reassign_task(task: Task, *, to: User, actor: User, now: datetime, key: str = "") -> Task:
    """The department head gives an open or claimed task to a colleague holding the role."""
    task, case = _lock_task(task)
    if already_done(case, key):
        return task
    if not holds_role(actor, case, [Role.DEPARTMENT_HEAD], task.department_id):
        raise NotAllowed("只有部门负责人可以改派任务")
    if task.status not in Task.OPEN_STATES:
        raise TransitionError("该任务已完成，不能改派")
    if not holds_role(to, case, [task.role], task.department_id):
        raise CaseError("改派对象不是本部门相应岗位人员", field="to")
    _assign(task, case, to, now)
    record_event(
        case, "task_reassigned", actor=actor, now=now, key=key, data={"task": task.pk, "to": to.pk}
    )
    return task


@transaction.atomic
def give_opinion(
    task: Task, *, actor: User, now: datetime, agree: bool, opinion: str, key: str = ""
) -> Task:
    """A co-department's opinion (会签), given in parallel with the lead review."""
    task, case, done = lock_task_move(
        task, kind=Task.Kind.OPINION, move="give_opinion", actor=actor, key=key
    )
    if done:
        return task
    if not opinion.strip():
        raise CaseError("请填写会签意见", field="opinion")
    finish_task(task, actor, now, "agree" if agree else "disagree", opinion.strip())
    record_event(
        case,
        "opinion_given",
        actor=actor,
        now=now,
        key=key,
        data={
            "task": task.pk,
            "department": task.department.name,
            "agree": agree,
            "opinion": opinion.strip(),
        },
    )
    return task


@transaction.atomic
def submit_review(
    task: Task, *, actor: User, now: datetime, recommend_grant: bool, opinion: str, key: str = ""
) -> Task:
    """The lead department's review: a recommendation for the approver."""
    task, case, done = lock_task_move(
        task, kind=Task.Kind.REVIEW, move="submit_review", actor=actor, key=key
    )
    if done:
        return task
    if not opinion.strip():
        raise CaseError("请填写审核意见", field="opinion")
    finish_task(task, actor, now, "grant" if recommend_grant else "refuse", opinion.strip())
    set_status(case, S.UNDER_DECISION)
    new_task(case, Task.Kind.DECIDE, case.department, Role.APPROVER, now=now, due_at=case.due_at)
    record_event(
        case,
        "reviewed",
        actor=actor,
        now=now,
        key=key,
        data={"recommend": "grant" if recommend_grant else "refuse", "opinion": opinion.strip()},
    )
    return task
