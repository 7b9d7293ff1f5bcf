"""Every route that takes an id, number or key, tried by outsiders: never data.

The routes are read at test time from the URL resolver (pages) and the OpenAPI document (API);
a route with a path parameter that is neither in PROBES nor in PUBLIC fails the test, by name.
Each probe fetches a real object that insiders of the demo district own, checks that an insider
reaches it (so a wrong id cannot pass for a refusal), then tries it as outsiders: anonymous, an
applicant who is not the owner, staff of another department and staff of another region. An
outsider gets 404, 403, 401 (API) or a redirect to sign in, and a page never shows the object's
identifying text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

ANON = "anonymous"
# Staff of another district department, and staff of a town (another region).
OTHER_DEPT = ("clerk_mz", "clerk_rs")
OTHER_REGION = "reviewer_glp"
APPLICANTS = ("zhangmin", "jinsha")
OK_STATUSES = {401, 403, 404}
LOGIN = "/accounts/login/"
# A Wednesday of a fully known calendar year, 10:00 in the centre's zone.
DEMO_DAY = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


# --- the objects insiders own ------------------------------------------------------------------


@dataclass
class World:
    """Objects of the demo district (and a few made here with the real actions)."""

    objs: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objs[name]
        except KeyError as e:
            raise AttributeError(name) from e


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def user(username: str) -> User:
    return get_user_model().objects.get(username=username)


def build_world() -> World:  # noqa: PLR0915 - one object of each kind, in order
    from onestop.cases import materials
    from onestop.cases.models import Case, Task
    from onestop.documents.models import Certificate
    from onestop.evaluation import actions as evaluation
    from onestop.evaluation.models import Rectification as EvalRectification
    from onestop.fees import actions as fees
    from onestop.fees.models import FeeRule, Payment
    from onestop.hall import actions as hall
    from onestop.hall.models import Booking, Inquiry
    from onestop.hall.models import Ticket as HallTicket
    from onestop.hotline import actions as hotline
    from onestop.hotline.models import Article, Dispatch
    from onestop.hotline.models import Ticket as HotlineTicket
    from onestop.intermediaries.models import Need
    from onestop.parallel.models import JointEvent, Project, Submission, Track
    from onestop.supervision import actions as supervision
    from onestop.trading.models import Bid
    from onestop.trading.models import Project as TradingProject

    now = timezone.now()
    w = World()
    scjgj = {"department__key": "scjgj", "channel": "window"}
    w.objs["case"] = Case.objects.filter(status="under_decision", **scjgj).first()
    w.objs["task"] = Task.objects.filter(case=w.case, status="open").first()
    w.objs["online_case"] = Case.objects.filter(
        department__key="scjgj", channel="online", status="submitted"
    ).first()
    material = w.online_case.materials.order_by("pk").first()
    materials.attach_file(
        w.online_case,
        material,
        SimpleUploadedFile("营业执照.png", png()),
        actor=w.online_case.applicant.user,
        now=now,
    )
    material.refresh_from_db()
    w.objs["material"] = material
    w.objs["stored_file"] = material.file
    w.objs["certificate"] = Certificate.objects.filter(case__department__key="scjgj").first()
    # Fees: a rule for an open case's item, a notice and a window payment.
    fee_case = Case.objects.filter(status="accepted", **scjgj).first()
    FeeRule.objects.create(
        item_code=fee_case.item.code,
        name="工本费",
        kind=FeeRule.Kind.FIXED,
        amount=Decimal("50.00"),
        unit_name="证",
        legal_basis="《行政事业性收费标准管理办法》",
    )
    notice = fees.issue_fee_notice(fee_case, actor=user("clerk"), now=now)
    w.objs["fee_case"] = fee_case
    w.objs["notice"] = notice
    fees.record_payment(
        notice, actor=user("clerk"), now=now, method=Payment.WINDOW_CASH, amount=notice.amount
    )
    w.objs["payment"] = Payment.objects.get(notice=notice)
    w.objs["card"] = supervision.issue_card(
        actor=user("supervisor"),
        now=now,
        colour="yellow",
        department=w.case.department,
        reason="超期未办结（测试）",
    )
    finished = Case.objects.filter(status="completed", **scjgj).first()
    evaluation.rate_case(
        finished,
        actor=finished.applicant.user,
        now=now,
        score=1,
        comment="材料被退回三次",
        channel="portal",
    )
    w.objs["rated_case"] = finished
    w.objs["eval_rect"] = EvalRectification.objects.get(rating__case=finished)
    w.objs["hall_ticket"] = HallTicket.objects.order_by("pk").first()
    clerk_window = hall.windows_of(user("clerk"))[0]
    w.objs["window"] = clerk_window
    # A number called to the clerk's window (the moves on a ticket are the calling window's).
    hall.take_ticket(
        hall.NewTicket(
            centre=clerk_window.zone.centre,
            zone=clerk_window.zone,
            item=None,
            category="normal",
            source="desk",
        ),
        now=now,
        actor=user("guide"),
    )
    w.objs["called"] = hall.call_next(clerk_window, actor=user("clerk"), now=now)
    w.objs["inquiry"] = Inquiry.objects.order_by("pk").first()
    w.objs["booking"] = Booking.objects.exclude(phone="").order_by("pk").first()
    w.objs["hotline_ticket"] = HotlineTicket.objects.filter(lead_department__key="scjgj").first()
    w.objs["merge_target"] = HotlineTicket.objects.exclude(pk=w.hotline_ticket.pk).first()
    w.objs["dispatch"] = Dispatch.objects.filter(department__key="scjgj").first()
    w.objs["article"] = Article.objects.filter(department__key="scjgj").first()
    with_file = hotline.register_ticket(
        hotline.NewTicket(
            kind="complaint",
            content="窗口拒收材料（附照片）",
            caller_phone="13800001111",
            attachments=[SimpleUploadedFile("现场.png", png())],
        ),
        actor=user("operator"),
        now=now,
    )
    w.objs["attachment"] = with_file.attachments.get()
    w.objs["attachment_ticket"] = with_file
    # Trading: a project still under review (not public), a sealed bid of a bidder.
    w.objs["unpublished"] = TradingProject.objects.filter(status="review").first()
    w.objs["tender"] = TradingProject.objects.filter(status="tendering").first()
    w.objs["bid"] = Bid.objects.select_related("bidder__user").order_by("pk").first()
    w.objs["need"] = Need.objects.filter(status="open").first()
    w.objs["parallel_project"] = Project.objects.get(owner__user__username="vtjs")
    w.objs["submission"] = Submission.objects.filter(project=w.parallel_project).first()
    w.objs["joint"] = JointEvent.objects.filter(submission=w.submission).first()
    # A bundle (企业开办): its acceptance screen needs no project.
    w.objs["track"] = Track.objects.exclude(kind=Track.Kind.STAGE).filter(active=True).first()
    w.objs["applicant"] = w.case.applicant
    return w


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One route: how to reach an insider's object, who may, who may not."""

    params: Callable[[World], dict[str, Any]]
    insider: Callable[[World], str]
    outsiders: tuple[str, ...] = (ANON, *APPLICANTS, *OTHER_DEPT[:1], OTHER_REGION)
    method: str = "GET"
    # Text that names the object and must not reach an outsider (pages).
    secret: Callable[[World], str] | None = None
    # The insider's GET shows the object (200); POST routes are not run by the insider.
    check_insider: bool = True
    # Form data an outsider's POST carries, so that it gets past the form to the scope check.
    data: dict[str, str] = field(default_factory=dict)
    # The API body, where the minimal one from the schema would name an object that is not there
    # (ids in a body are not path parameters: on PostgreSQL they differ from run to run).
    body: Callable[[World], Any] | None = None


def case_pk(w: World) -> dict[str, Any]:
    return {"pk": w.case.pk}


def staff(name: str) -> Callable[[World], str]:
    return lambda w: name


def owner_of(attr: str) -> Callable[[World], str]:
    return lambda w: getattr(w, attr).applicant.user.username


STAFF_OUTSIDERS = (ANON, *APPLICANTS, OTHER_DEPT[0], OTHER_REGION)
TRADING_OUTSIDERS = (ANON, "zhangmin", "clerk", OTHER_REGION)
OWNER_OUTSIDERS = (ANON, *APPLICANTS, "clerk_mz")
# A window clerk sees every parallel submission of the centre (one window accepts them all), so the
# other department's outsider is its reviewer.
PARALLEL_OUTSIDERS = (ANON, *APPLICANTS, "reviewer_mz", OTHER_REGION)


def number(attr: str) -> Callable[[World], str]:
    return lambda w: getattr(w, attr).number


PROBES: dict[str, Probe] = {
    # --- cases (staff pages) ---
    "cases:detail": Probe(case_pk, staff("clerk"), secret=number("case")),
    "cases:move": Probe(
        lambda w: {"pk": w.case.pk, "move": "withdraw"}, staff("clerk"), method="POST"
    ),
    "cases:task_move": Probe(
        lambda w: {"pk": w.task.pk, "move": "claim"}, staff("approver"), method="POST"
    ),
    # --- fees ---
    "fees:case": Probe(
        lambda w: {"case_pk": w.fee_case.pk}, staff("clerk"), secret=number("fee_case")
    ),
    "fees:issue": Probe(lambda w: {"case_pk": w.fee_case.pk}, staff("clerk"), method="POST"),
    "fees:notice": Probe(
        lambda w: {"pk": w.notice.pk}, staff("clerk"), secret=lambda w: w.notice.code
    ),
    "fees:pay": Probe(lambda w: {"pk": w.notice.pk}, staff("clerk"), method="POST"),
    "fees:cancel": Probe(lambda w: {"pk": w.notice.pk}, staff("clerk"), method="POST"),
    "fees:refund": Probe(lambda w: {"pk": w.payment.pk}, staff("depthead"), method="POST"),
    # --- documents ---
    "documents:notice": Probe(lambda w: {"pk": w.case.pk, "kind": "acceptance"}, staff("clerk")),
    "documents:certificate_pdf": Probe(lambda w: {"pk": w.certificate.case_id}, staff("clerk")),
    "documents:issue_certificate": Probe(
        lambda w: {"pk": w.certificate.case_id}, staff("approver"), method="POST"
    ),
    "documents:revoke_certificate": Probe(
        lambda w: {"pk": w.certificate.case_id}, staff("approver"), method="POST"
    ),
    # --- material files ---
    "files:download": Probe(
        lambda w: {"pk": w.stored_file.pk}, owner_of("online_case"), outsiders=OWNER_OUTSIDERS
    ),
    "files:material": Probe(
        lambda w: {"pk": w.material.pk}, owner_of("online_case"), outsiders=OWNER_OUTSIDERS
    ),
    # --- supervision ---
    "supervision:card": Probe(
        lambda w: {"pk": w.card.pk}, staff("supervisor"), secret=lambda w: w.card.reason
    ),
    "supervision:card_answer": Probe(lambda w: {"pk": w.card.pk}, staff("depthead"), method="POST"),
    "supervision:card_close": Probe(
        lambda w: {"pk": w.card.pk}, staff("supervisor"), method="POST"
    ),
    "supervision:card_withdraw": Probe(
        lambda w: {"pk": w.card.pk}, staff("supervisor"), method="POST", data={"reason": "误判"}
    ),
    "supervision:card_escalate": Probe(
        lambda w: {"pk": w.card.pk}, staff("supervisor"), method="POST", data={"reason": "屡犯"}
    ),
    # --- evaluation ---
    "evaluation:rate": Probe(
        lambda w: {"pk": w.rated_case.pk},
        owner_of("rated_case"),
        outsiders=OWNER_OUTSIDERS,
        secret=lambda w: w.rated_case.number,
    ),
    "evaluation:rectification": Probe(
        lambda w: {"pk": w.eval_rect.pk}, staff("depthead"), secret=lambda w: "材料被退回三次"
    ),
    # --- hall ---
    "hall:ticket": Probe(
        lambda w: {"pk": w.hall_ticket.pk},
        staff("clerk"),
        outsiders=(ANON, *APPLICANTS, "clerk_glp"),
    ),
    "hall:window_move": Probe(
        lambda w: {"window_pk": w.window.pk, "move": "call"},
        staff("clerk"),
        method="POST",
        outsiders=(ANON, *APPLICANTS, "clerk_mz", "clerk_glp"),
    ),
    "hall:inquiry": Probe(
        lambda w: {"pk": w.inquiry.pk},
        staff("guide"),
        outsiders=(ANON, *APPLICANTS, "clerk_glp"),
    ),
    "hallpub:booking": Probe(
        lambda w: {"code": w.booking.code},
        staff("clerk"),
        outsiders=(ANON, *APPLICANTS),
        check_insider=False,
        secret=lambda w: w.booking.phone,
    ),
    "hallpub:cancel": Probe(
        lambda w: {"code": w.booking.code},
        staff("clerk"),
        outsiders=(ANON, *APPLICANTS),
        method="POST",
        check_insider=False,  # the holder of the verified phone, not a signed-in user
    ),
    # --- hotline (staff) ---
    "hotline:ticket": Probe(
        lambda w: {"pk": w.hotline_ticket.pk},
        staff("clerk"),
        secret=number("hotline_ticket"),
    ),
    "hotline:ticket_move": Probe(
        lambda w: {"pk": w.hotline_ticket.pk, "move": "callback"}, staff("operator"), method="POST"
    ),
    "hotline:attachment": Probe(lambda w: {"pk": w.attachment.pk}, staff("operator")),
    "hotline:dispatch_move": Probe(
        lambda w: {"pk": w.dispatch.pk, "move": "sign"}, staff("clerk"), method="POST"
    ),
    "hotline:kb_article": Probe(
        lambda w: {"pk": w.article.pk},
        staff("operator"),
        outsiders=(ANON, *APPLICANTS),
        secret=lambda w: w.article.title,
    ),
    "hotline:kb_edit": Probe(
        lambda w: {"pk": w.article.pk},
        staff("clerk"),  # a department keeps its own articles
        outsiders=(ANON, *APPLICANTS, "clerk_mz"),
        method="POST",
    ),
    # --- trading ---
    "trading:project": Probe(
        lambda w: {"pk": w.unpublished.pk},
        staff("trader"),
        outsiders=(ANON, "zhangmin", "bidder"),
        check_insider=False,
        secret=lambda w: w.unpublished.title,
    ),
    "trading:bid": Probe(
        lambda w: {"pk": w.unpublished.pk},
        staff("trader"),
        outsiders=(ANON, "bidder"),
        method="POST",
        check_insider=False,  # nobody acts on a project before it is published
    ),
    "trading:objection": Probe(
        lambda w: {"pk": w.unpublished.pk},
        staff("trader"),
        outsiders=(ANON, "bidder"),
        method="POST",
        check_insider=False,  # nobody acts on a project before it is published
    ),
    "trading:complaint": Probe(
        lambda w: {"pk": w.unpublished.pk},
        staff("trader"),
        outsiders=(ANON, "bidder"),
        method="POST",
        check_insider=False,  # nobody acts on a project before it is published
    ),
    "trading:receipt": Probe(
        lambda w: {"receipt": w.bid.receipt},
        lambda w: w.bid.bidder.user.username,
        outsiders=(ANON, "bidder5", "zhangmin", "trader"),
        secret=lambda w: w.bid.document_sha256,
    ),
    "trading:withdraw": Probe(
        lambda w: {"receipt": w.bid.receipt},
        lambda w: w.bid.bidder.user.username,
        outsiders=(ANON, "bidder5", "zhangmin"),
        method="POST",
    ),
    "trading_staff:project": Probe(
        lambda w: {"pk": w.tender.pk}, staff("trader"), outsiders=TRADING_OUTSIDERS
    ),
    "trading_staff:action": Probe(
        lambda w: {"pk": w.tender.pk, "action": "cancel"},
        staff("trader"),
        outsiders=TRADING_OUTSIDERS,
        method="POST",
    ),
    # --- intermediaries ---
    "intermediaries:need_action": Probe(
        lambda w: {"pk": w.need.pk, "action": "lowest"},
        lambda w: w.need.owner.user.username,
        outsiders=(ANON, "zhangmin", "jinsha"),
        method="POST",
    ),
    # --- parallel approval ---
    "parallel:project": Probe(
        lambda w: {"pk": w.parallel_project.pk},
        staff("parallel"),
        outsiders=PARALLEL_OUTSIDERS,
        secret=lambda w: w.parallel_project.name,
    ),
    "parallel:project_green": Probe(
        lambda w: {"pk": w.parallel_project.pk},
        staff("parallel"),
        outsiders=PARALLEL_OUTSIDERS,
        method="POST",
    ),
    "parallel:accept": Probe(
        lambda w: {"track_pk": w.track.pk},
        staff("kaiban"),
        outsiders=(ANON, *APPLICANTS),
    ),
    "parallel:submission": Probe(
        lambda w: {"pk": w.submission.pk},
        staff("parallel"),
        outsiders=PARALLEL_OUTSIDERS,
    ),
    **{
        f"parallel:{name}": Probe(
            lambda w: {"pk": w.submission.pk},
            staff("parallel"),
            outsiders=PARALLEL_OUTSIDERS,
            method="POST",
        )
        for name in ("deliver", "extend", "joint_schedule")
    },
    **{
        f"parallel:{name}": Probe(
            lambda w: {"pk": w.joint.pk},
            staff("parallel"),
            outsiders=PARALLEL_OUTSIDERS,
            method="POST",
        )
        for name in ("joint_record", "joint_sign")
    },
    # --- personal data ---
    # Front-desk staff look up applicants living in their region's subtree, so the outsiders are
    # staff of another street and roles that do not meet applicants.
    "staff:reveal_identity": Probe(
        lambda w: {"pk": w.applicant.pk},
        staff("clerk"),
        method="POST",
        outsiders=(ANON, *APPLICANTS, "clerk_qxp", "supervisor", "trader"),
        data={"purpose": "核验身份"},
    ),
    # --- the applicant's own cases ---
    "portal:case_detail": Probe(
        lambda w: {"pk": w.online_case.pk},
        owner_of("online_case"),
        outsiders=OWNER_OUTSIDERS,
        secret=number("online_case"),
    ),
    "portal:case_material": Probe(
        lambda w: {"pk": w.online_case.pk, "material_pk": w.material.pk},
        owner_of("online_case"),
        outsiders=OWNER_OUTSIDERS,
        method="POST",
    ),
    **{
        f"portal:{name}": Probe(
            lambda w: {"pk": w.online_case.pk},
            owner_of("online_case"),
            outsiders=OWNER_OUTSIDERS,
            method="POST",
        )
        for name in ("case_submit", "case_supply", "case_withdraw")
    },
}


def _case_api(method: str = "POST", insider: str = "clerk") -> Probe:
    return Probe(
        lambda w: {"case_id": w.case.pk}, staff(insider), method=method, outsiders=STAFF_OUTSIDERS
    )


def _task_api(method: str = "POST", insider: str = "approver") -> Probe:
    return Probe(
        lambda w: {"task_id": w.task.pk},
        staff(insider),
        method=method,
        outsiders=STAFF_OUTSIDERS,
    )


# Moves on a case that the department head makes (the clock stops and extensions).
HEAD_MOVES = ("suspend", "resume", "request-extension")

API_PROBES: dict[str, Probe] = {
    "GET /api/v1/cases/{case_id}": _case_api("GET"),
    "GET /api/v1/cases/{case_id}/events": _case_api("GET"),
    **{
        f"POST /api/v1/cases/{{case_id}}/{move}": _case_api(
            insider="depthead" if move in HEAD_MOVES else "clerk"
        )
        for move in (
            "submit",
            "request-supplement",
            "supply",
            "accept",
            "not-accept",
            "handle-instant",
            "suspend",
            "resume",
            "request-extension",
            "complete",
            "deliver",
            "withdraw",
        )
    },
    "GET /api/v1/tasks/{task_id}": _task_api("GET"),
    **{
        f"POST /api/v1/tasks/{{task_id}}/{move}": _task_api(
            insider="depthead" if move == "reassign" else "approver"
        )
        for move in ("claim", "release", "reassign", "opinion", "review", "decide", "extension")
    },
    "GET /api/v1/fees/cases/{case_id}": Probe(
        lambda w: {"case_id": w.fee_case.pk}, staff("clerk"), outsiders=STAFF_OUTSIDERS
    ),
    "POST /api/v1/fees/cases/{case_id}/notice": Probe(
        lambda w: {"case_id": w.fee_case.pk},
        staff("clerk"),
        method="POST",
        outsiders=STAFF_OUTSIDERS,
    ),
    "POST /api/v1/fees/notices/{notice_id}/payments": Probe(
        lambda w: {"notice_id": w.notice.pk},
        staff("clerk"),
        method="POST",
        outsiders=STAFF_OUTSIDERS,
    ),
    "POST /api/v1/fees/notices/{notice_id}/cancel": Probe(
        lambda w: {"notice_id": w.notice.pk},
        staff("clerk"),
        method="POST",
        outsiders=STAFF_OUTSIDERS,
    ),
    "POST /api/v1/fees/payments/{payment_id}/refunds": Probe(
        lambda w: {"payment_id": w.payment.pk},
        staff("depthead"),
        method="POST",
        outsiders=STAFF_OUTSIDERS,
    ),
    "POST /api/v1/hall/windows/{window_id}/call": Probe(
        lambda w: {"window_id": w.window.pk},
        staff("clerk"),
        method="POST",
        outsiders=(ANON, *APPLICANTS, "clerk_mz", "clerk_glp"),
    ),
    "POST /api/v1/hall/tickets/{ticket_id}/{move}": Probe(
        lambda w: {"ticket_id": w.called.pk, "move": "recall"},
        staff("clerk"),
        method="POST",
        outsiders=(ANON, *APPLICANTS, "clerk_glp"),
    ),
    "GET /api/v1/hotline/tickets/{ticket_id}": Probe(
        lambda w: {"ticket_id": w.hotline_ticket.pk}, staff("clerk"), outsiders=STAFF_OUTSIDERS
    ),
    **{
        f"POST /api/v1/hotline/tickets/{{ticket_id}}/{move}": Probe(
            lambda w: {"ticket_id": w.hotline_ticket.pk},
            staff("operator"),
            method="POST",
            outsiders=STAFF_OUTSIDERS,
        )
        for move in ("dispatch", "answer", "callback", "reopen")
    },
    "POST /api/v1/hotline/tickets/{ticket_id}/merge": Probe(
        lambda w: {"ticket_id": w.hotline_ticket.pk},
        staff("operator"),
        method="POST",
        outsiders=STAFF_OUTSIDERS,
        body=lambda w: {"into_id": w.merge_target.pk},
    ),
    "GET /api/v1/hotline/callers/{phone}/tickets": Probe(
        lambda w: {"phone": w.attachment_ticket.caller_phone},
        staff("operator"),
        outsiders=STAFF_OUTSIDERS,
    ),
    **{
        f"POST /api/v1/hotline/dispatches/{{dispatch_id}}/{move}": Probe(
            lambda w: {"dispatch_id": w.dispatch.pk},
            staff("clerk"),
            method="POST",
            outsiders=STAFF_OUTSIDERS,
        )
        for move in ("sign", "send-back", "reply", "extension")
    },
    "GET /api/v1/parallel/projects/{project_id}": Probe(
        lambda w: {"project_id": w.parallel_project.pk},
        staff("parallel"),
        outsiders=PARALLEL_OUTSIDERS,
    ),
    "GET /api/v1/parallel/submissions/{submission_id}": Probe(
        lambda w: {"submission_id": w.submission.pk},
        staff("parallel"),
        outsiders=PARALLEL_OUTSIDERS,
    ),
    **{
        f"POST /api/v1/parallel/submissions/{{submission_id}}/{move}": Probe(
            lambda w: {"submission_id": w.submission.pk},
            staff("parallel"),
            method="POST",
            outsiders=PARALLEL_OUTSIDERS,
        )
        for move in ("deliver", "joint-events")
    },
    **{
        f"POST /api/v1/parallel/joint-events/{{event_id}}/{move}": Probe(
            lambda w: {"event_id": w.joint.pk},
            staff("parallel"),
            method="POST",
            outsiders=PARALLEL_OUTSIDERS,
        )
        for move in ("record", "sign")
    },
    "GET /api/v1/trading/projects/{pk}": Probe(
        lambda w: {"pk": w.unpublished.pk},
        staff("trader"),
        outsiders=(ANON, "zhangmin", "bidder"),
        check_insider=False,
    ),
}

# Routes that take a key but show what is public by design, each with the reason.
PUBLIC: dict[str, str] = {
    "documents:verify": "certificate verification: anyone holding the certificate checks it",
    "evaluation:rate_link": "a signed, expiring token is the credential (tests/evaluation)",
    "fees:gateway_callback": "the payment gateway's signed callback, checked by signature",
    "hallpub:display": "the hall's public queue display, by centre key",
    "hallpub:board": "the hall's public queue display, by centre key",
    "hallpub:book": "booking form of a public catalog item",
    "open311:services": "Open311 service list (public by the standard)",
    "open311:service": "Open311 service definition (public catalog)",
    "open311:requests": "Open311 public request list; personal fields are never included",
    "open311:request": "Open311 public request by number; personal fields are never included",
    "open311:token": "Open311 token lookup answers only the public request number",
    "draws:detail": "random draws are published for anyone to verify",
    "draws:json": "random draws are published for anyone to verify",
    "intermediaries:profile": "the intermediary marketplace lists approved intermediaries",
    "intermediaries:need": "published purchase needs of the intermediary marketplace",
    "portal:item": "service guide of a catalog item",
    "portal:apply": "the online form of a public catalog item (the case is made on submit)",
    "portal:agent_apply": "the agent's form of a public catalog item",
    "GET /api/v1/hall/centres/{key}/board": "the hall's public queue board, by centre key",
}


# --- reading the routes -------------------------------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ns + (f"{p.namespace}:" if p.namespace else "")
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ns + (p.name or "")


def page_routes_with_parameters() -> dict[str, str]:
    """URL name → pattern of every page route with a path parameter (not admin, not API)."""
    found = {}
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/", "media/")):
            continue
        if "<" in route or "(?P<" in route:
            found[name] = route
    return found


def api_operations_with_parameters() -> list[str]:
    from onestop.api.main import api

    schema = api.get_openapi_schema()
    return [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if "{" in path
        for method in operations
    ]


def test_every_route_with_a_parameter_is_in_the_table():
    pages = page_routes_with_parameters()
    missing = [f"{name} ({route})" for name, route in pages.items() if name not in PROBES]
    missing = [m for m in missing if m.split(" ")[0] not in PUBLIC]
    ops = api_operations_with_parameters()
    missing += [op for op in ops if op not in API_PROBES and op not in PUBLIC]
    assert not missing, "routes with a path parameter and no outsider probe: " + ", ".join(missing)
    stale = [k for k in [*PROBES, *API_PROBES] if k not in pages and k not in ops]
    assert not stale, f"probes for routes that no longer exist: {stale}"
    assert len(pages) > 60 and len(ops) > 40  # the enumeration itself found the routes


# --- trying them ----------------------------------------------------------------------------------


def _client(name: str, address: str) -> Client:
    c = Client(REMOTE_ADDR=address)
    if name != ANON:
        c.force_login(user(name))
    return c


def minimal_body(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A body that passes the operation's schema, so that the request reaches the scope check."""
    if "$ref" in schema:
        return minimal_body(components[schema["$ref"].split("/")[-1]], components)
    for combo in ("anyOf", "oneOf", "allOf"):
        if combo in schema:
            return minimal_body(schema[combo][0], components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            key: minimal_body(sub, components)
            for key, sub in schema.get("properties", {}).items()
            if key in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-03-10"
    if schema.get("format") == "date-time":
        return "2026-03-10T09:00:00+08:00"
    return "x" * max(1, int(schema.get("minLength", 1)))


def api_body(op: str) -> dict[str, Any] | None:
    from onestop.api.main import api

    method, path = op.split(" ", 1)
    schema = api.get_openapi_schema()
    operation = schema["paths"][path][method.lower()]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is None:
        return None
    return minimal_body(body["schema"], schema["components"]["schemas"])


def _refused(response: Any, who: str) -> str | None:
    """None if the response gives nothing away, else why it is a leak."""
    status = response.status_code
    if status in OK_STATUSES:
        return None
    if status == 302 and who == ANON and response["Location"].startswith(LOGIN):
        return None
    return f"answered {status} {response.get('Location', '')}".strip()


def _send(c: Client, probe: Probe, url: str, body: Any) -> Any:
    if probe.method == "GET":
        return c.get(url)
    if body is None:
        return c.post(url, probe.data)
    return c.post(url, body, content_type="application/json")


def try_probe(key: str, probe: Probe, w: World, url: str, body: Any) -> list[str]:
    problems = []
    secret = probe.secret(w) if probe.secret else ""
    if probe.check_insider and probe.method == "GET":
        r = _client(probe.insider(w), "10.1.0.1").get(url)
        if r.status_code != 200:
            problems.append(f"{key}: the insider {probe.insider(w)} got {r.status_code} at {url}")
        elif secret and secret not in r.content.decode(errors="replace"):
            problems.append(f"{key}: the insider's page lacks {secret!r}")
    if probe.check_insider and probe.method == "POST":
        # The insider's POST reaches the action (whatever the action then says), and is undone.
        with transaction.atomic():
            r = _send(_client(probe.insider(w), "10.1.0.2"), probe, url, body)
            transaction.set_rollback(True)
        if r.status_code in OK_STATUSES:
            problems.append(f"{key}: the insider {probe.insider(w)} got {r.status_code} at {url}")
    for i, who in enumerate(probe.outsiders):
        r = _send(_client(who, f"10.2.{i}.1"), probe, url, body)
        why = _refused(r, who)
        if why:
            problems.append(f"{key}: {who} {probe.method} {url} {why}")
        elif secret and secret in r.content.decode(errors="replace"):
            problems.append(f"{key}: {who} sees {secret!r} at {url}")
    return problems


def run_all_probes(w: World) -> list[str]:
    problems: list[str] = []
    pages = page_routes_with_parameters()
    for name, probe in PROBES.items():
        if name not in pages:
            continue
        url = reverse(name, kwargs=probe.params(w))
        problems += try_probe(name, probe, w, url, None)
    for op, probe in API_PROBES.items():
        path, params = op.split(" ", 1)[1], probe.params(w)
        url = re.sub(r"\{(\w+)\}", lambda m, p=params: str(p[m.group(1)]), path)
        body = None
        if probe.method == "POST":
            body = probe.body(w) if probe.body else api_body(op)
        problems += try_probe(op, probe, w, url, body)
    return problems


@pytest.mark.slow
def test_outsiders_never_get_data(db, settings, tmp_path):
    """The demo district, every probe, every outsider: one list of everything that leaks."""
    from onestop.org.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    # The demo's statuses follow its clock (deadlines, holidays): build it on a fixed working day
    # so that the objects picked by status exist whatever today's date is.
    with time_machine.travel(DEMO_DAY, tick=True):
        load_demo(now=timezone.now(), history=False)
        w = build_world()
        missing = [k for k, v in w.objs.items() if v is None]
        assert not missing, f"the demo lacks objects for: {missing}"
        problems = run_all_probes(w)
    assert not problems, "\n".join(problems)
