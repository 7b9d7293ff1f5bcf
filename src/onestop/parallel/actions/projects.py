"""Investment projects: registration and the green channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import NotAllowed, TransitionError
from onestop.lib.identity import check_credit_code
from onestop.org.models import Applicant, Centre
from onestop.parallel import rules
from onestop.parallel.errors import ParallelError
from onestop.parallel.models import Project
from onestop.parallel.permissions import is_parallel_clerk, require_admin, require_parallel_clerk
from onestop.parallel.workflow import GREEN_CHANNEL


@dataclass(frozen=True)
class NewProject:
    code: str
    name: str
    owner: Applicant
    kind: str
    location: str
    investment: str | Decimal
    centre: Centre
    account_manager: User | None = None


@transaction.atomic
def register_project(new: NewProject, *, actor: User, now: datetime) -> Project:
    """登记投资建设项目: the code, the owner's credit code and the investment are checked."""
    require_parallel_clerk(actor, new.centre)
    code = new.code.strip()
    rules.check_project_code(code)
    if Project.objects.filter(code=code).exists():
        raise ParallelError("该项目代码已登记", field="code")
    if new.owner.kind != Applicant.Kind.ENTERPRISE or not new.owner.credit_code:
        raise ParallelError("建设单位须为持有统一社会信用代码的单位", field="owner")
    check = check_credit_code(new.owner.credit_code)
    if not check.valid:
        raise ParallelError(f"建设单位统一社会信用代码有误：{check.reason}", field="owner")
    if new.kind not in Project.Kind.values:
        raise ParallelError("请选择项目类型", field="kind")
    if not new.name.strip() or not new.location.strip():
        raise ParallelError("请填写项目名称和建设地点", field="name")
    investment = rules.investment_of(new.investment)
    return Project.objects.create(
        code=code,
        name=new.name.strip(),
        owner=new.owner,
        kind=new.kind,
        location=new.location.strip(),
        region=new.centre.region,
        investment=investment,
        centre=new.centre,
        account_manager=new.account_manager,
        created_at=now,
        created_by=actor,
    )


# --- the green channel -----------------------------------------------------------------------


@transaction.atomic
def request_green_channel(project: Project, *, actor: User, now: datetime, reason: str) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not (is_parallel_clerk(actor) or project.account_manager_id == actor.pk):
        raise NotAllowed("只有并联窗口或项目专员可以申请绿色通道")
    if not GREEN_CHANNEL.allowed_from("request", project.green):
        raise TransitionError("该项目已申请或已列入绿色通道")
    if not reason.strip():
        raise ParallelError("请填写申请理由", field="reason")
    project.green = Project.Green.REQUESTED
    project.green_reason = reason.strip()[:300]
    project.save(update_fields=["green", "green_reason"])
    return project


@transaction.atomic
def decide_green_channel(
    project: Project, *, actor: User, now: datetime, approve: bool, decision_no: str
) -> Project:
    """The leading group's decision, recorded by its office (a centre administrator)."""
    require_admin(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not GREEN_CHANNEL.allowed_from("decide", project.green):
        raise TransitionError("该项目没有待审批的绿色通道申请")
    if not decision_no.strip():
        raise ParallelError("请填写领导小组批复文号", field="decision_no")
    project.green = Project.Green.APPROVED if approve else Project.Green.REJECTED
    project.green_decision_no = decision_no.strip()[:60]
    project.green_decided_at = now
    project.save(update_fields=["green", "green_decision_no", "green_decided_at"])
    return project
