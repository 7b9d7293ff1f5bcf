"""Big enterprises (大企业直通车): halved limits and early involvement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import NotAllowed
from onestop.org.models import Applicant, Department
from onestop.parallel.errors import ParallelError
from onestop.parallel.models import Consultation, KeyEnterprise, Project
from onestop.parallel.permissions import may_record_consultation


def is_key_enterprise(applicant: Applicant) -> bool:
    """A halving rule (cases.signals.halving_rules): big enterprises get halved limits."""
    return applicant.pk is not None and KeyEnterprise.objects.filter(applicant=applicant).exists()


@transaction.atomic
def record_consultation(
    applicant: Applicant,
    *,
    topic: str,
    departments: Sequence[Department],
    advice: str,
    actor: User,
    now: datetime,
    project: Project | None = None,
) -> Consultation:
    """提前介入: the account manager records a pre-consultation before the application."""
    key = KeyEnterprise.objects.filter(applicant=applicant).first()
    manager = key.manager_id if key is not None else None
    account_manager = project.account_manager_id if project is not None else None
    if not may_record_consultation(actor, manager, account_manager):
        raise NotAllowed("只有该企业的客户经理或项目专员可以记录提前介入服务")
    if not topic.strip() or not advice.strip():
        raise ParallelError("请填写咨询事项和辅导意见", field="topic")
    if not departments:
        raise ParallelError("请选择参加部门", field="departments")
    consultation = Consultation.objects.create(
        applicant=applicant,
        project=project,
        topic=topic.strip()[:200],
        advice=advice.strip(),
        held_at=now,
        recorded_by=actor,
    )
    consultation.departments.set(departments)
    return consultation
