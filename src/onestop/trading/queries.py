"""Reads of trading: what the public may see, the officer's lists, a bidder's own bids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from onestop.org.models import Applicant
from onestop.trading.models import Bid, Complaint, CreditRecord, Project

S = Project.Status


def public_projects() -> QuerySet[Project]:
    return Project.objects.exclude(status__in=[S.DRAFT, S.REVIEW]).select_related("owner")


def get_public_project(pk: int) -> Project:
    project = public_projects().filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在")
    return project


def opened(project: Project) -> bool:
    return project.opened_at is not None


def opening_record(project: Project) -> list[Bid]:
    """Bidders and prices read out at the opening (public once opened)."""
    if not opened(project):
        return []
    return list(
        project.bids.filter(status__in=[Bid.Status.OPENED, Bid.Status.REJECTED])
        .select_related("bidder", "lot")
        .order_by("submitted_at")
    )


def candidates(project: Project) -> list[Bid]:
    if project.publicity_starts_at is None:
        return []
    return list(project.bids.filter(rank__isnull=False).select_related("bidder").order_by("rank"))


def decided_complaints() -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        status__in=[Complaint.Status.DECIDED, Complaint.Status.REJECTED]
    ).select_related("project", "complainant")


def credit_in_force(today: date) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def bids_of(applicant: Applicant) -> QuerySet[Bid]:
    return applicant.bids.select_related("project", "lot").order_by("-submitted_at")


@dataclass
class Step:
    label: str
    at: datetime | None
    due: datetime | None = None
    note: str = ""


def calendar(project: Project) -> list[Step]:
    """The legal calendar as it stands."""
    return [
        Step("招标文件发出/公告", project.documents_issued_at),
        Step("投标截止 = 开标", project.opened_at, project.bid_deadline),
        Step("评标报告", project.reported_at),
        Step(
            "中标候选人公示（收到评标报告后 3 日内）",
            project.publicity_starts_at,
            project.publicity_due,
        ),
        Step("公示结束（不少于 3 日）", None, project.publicity_ends_at),
        Step("中标通知", project.awarded_at),
        Step(
            "订立合同（中标通知后 30 日内）",
            None,
            project.contract_due,
            f"{project.contract_signed_on:%Y-%m-%d} 已签订" if project.contract_signed_on else "",
        ),
    ]
