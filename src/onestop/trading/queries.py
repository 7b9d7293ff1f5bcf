"""Reads of trading: what the public may see, the officer's lists, a bidder's own bids.

Every page, the API and OCDS read bids through `bids_visible_to`, the one place that keeps
them sealed: before the opening nobody learns who bid or how many (招标投标法第二十二条),
trading officers, supervisors and administrators included; a bidder sees only their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from onestop.org.models import Applicant
from onestop.trading.models import Bid, Complaint, CreditRecord, Event, Project
from onestop.trading.workflow import BID, COMPLAINT, PROJECT

S = Project.Status
Viewer = AbstractBaseUser | AnonymousUser
# Events that would count the bids (each carries a receipt) while they are sealed.
SEALED_EVENTS = ("bid_received", "bid_withdrawn")


def public_projects() -> QuerySet[Project]:
    return Project.objects.filter(status__in=PROJECT.sets["PUBLIC"]).select_related("owner")


def get_public_project(pk: int) -> Project:
    project = public_projects().filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在")
    return project


def opened(project: Project) -> bool:
    return project.opened_at is not None


def bids_visible_to(viewer: Viewer) -> QuerySet[Bid]:
    """The bids a viewer may learn of: those of opened projects, and the viewer's own.

    A project that failed for too few bids is never opened, so its bids stay sealed for good
    (only their number is read out at the opening, in the project's closing reason)."""
    visible = Q(project__opened_at__isnull=False)
    if viewer.is_authenticated:
        visible |= Q(bidder__user_id=viewer.pk)
    return Bid.objects.filter(visible)


def opening_record(project: Project, viewer: Viewer) -> list[Bid]:
    """Bidders and prices read out at the opening (public once opened)."""
    if project.opened_at is None:  # no opening yet, so nothing read out (and no query)
        return []
    return list(
        bids_visible_to(viewer)
        .filter(project=project, status__in=BID.sets["OPENED"])
        .select_related("bidder", "lot")
        .order_by("submitted_at")
    )


def candidates(project: Project, viewer: Viewer) -> list[Bid]:
    if project.publicity_starts_at is None:
        return []
    return list(
        bids_visible_to(viewer)
        .filter(project=project, rank__isnull=False)
        .select_related("bidder")
        .order_by("rank")
    )


def opened_bids(project: Project, viewer: Viewer) -> QuerySet[Bid]:
    """The opened bids the committee scores."""
    return bids_visible_to(viewer).filter(project=project, status=Bid.Status.OPENED)


def project_record(project: Project) -> QuerySet[Event]:
    """The project's record as staff read it: the receipts of sealed bids stay off it until
    the opening, or their number would show."""
    events = project.events.select_related("actor")
    if not opened(project):
        events = events.exclude(action__in=SEALED_EVENTS)
    return events


def decided_complaints() -> QuerySet[Complaint]:
    return Complaint.objects.filter(status__in=COMPLAINT.sets["CLOSED"]).select_related(
        "project", "complainant"
    )


def credit_in_force(today: date) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def bids_of(applicant: Applicant) -> QuerySet[Bid]:
    """A bidder's own bids, sealed or not."""
    return (
        bids_visible_to(applicant.user)
        .filter(bidder=applicant)
        .select_related("project", "lot")
        .order_by("-submitted_at")
    )


def get_bid_for_bidder(applicant: Applicant | None, receipt: str) -> Bid:
    """A receipt is shown only to its bidder; anyone else is told it does not exist."""
    bid = bids_of(applicant).filter(receipt=receipt).first() if applicant else None
    if bid is None:
        raise Http404("回执不存在")
    return bid


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
