"""Every route that takes an id, number or key, tried by outsiders: never data.

The routes are read at test time from the URL resolver (pages) and the OpenAPI document (API);
a route with a path parameter that is neither in PROBES nor in PUBLIC fails the test, by name.
Each probe fetches a real object that insiders of the demo district own, checks that an insider
reaches it (so a wrong id cannot pass for a refusal), then tries it as outsiders: anonymous, an
applicant who is not the owner, staff of another department and staff of another region (and,
for a kiosk's ticket, another kiosk's device session). An outsider gets 404, 403, 401 (API) or a
redirect to sign in, and a page never shows the object's identifying text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
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
        reasons=["guide_accuracy"],
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
    _kiosk_objects(w, now)
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
    _scope_objects(w, now)
    return w


# Device sessions that probes use as insider or outsider (by these names, like usernames).
OWN_KIOSK, OTHER_KIOSK = "kiosk:own", "kiosk:other"


def _kiosk_objects(w: World, now: datetime) -> None:
    """The demo kiosk, paired with its documented code, prints a number; a second kiosk of the
    same hall is paired too."""
    from django.urls import resolve

    from onestop.demo.hall import DEMO_DEVICES
    from onestop.hall import devices
    from onestop.hall.models import Device
    from onestop.hall.models import Ticket as HallTicket

    code = next(d.code for d in DEMO_DEVICES if d.kind == Device.Kind.KIOSK)
    own = Client(REMOTE_ADDR="10.4.0.1")
    assert own.post(reverse("hallpub:device"), {"code": code}).status_code == 302
    kiosk = Device.objects.get(token_hash=devices.digest(code))
    zone = kiosk.centre.zones.order_by("pk").first()
    printed = own.post(reverse("hallpub:kiosk"), {"zone": zone.pk, "category": "normal"})
    w.objs["kiosk_ticket"] = HallTicket.objects.get(pk=resolve(printed["Location"]).kwargs["pk"])
    _other, token, _code = devices.register_device(
        name="二楼大厅自助取号机 2 号",
        kind=Device.Kind.KIOSK,
        centre=kiosk.centre,
        window=None,
        actor=None,
        now=now,
    )
    other = Client(REMOTE_ADDR="10.4.0.2")
    assert other.post(reverse("hallpub:device"), {"code": token}).status_code == 302
    w.objs[OWN_KIOSK], w.objs[OTHER_KIOSK] = own, other


def _scope_objects(w: World, now: datetime) -> None:
    """The objects the cells of the permissions table are tried on: drafts (online, window,
    agent) with files, a case the agent filed, a case of another department."""
    from onestop.cases import actions, consents, materials
    from onestop.cases.models import Case

    def new(case: Case, channel: str, actor: User, applicant: Any = None) -> Case:
        return actions.create_case(
            actions.NewCase(
                item=case.item,
                applicant=applicant or case.applicant,
                channel=channel,
                centre=case.centre,
                form_data=case.form_data,
            ),
            actor=actor,
            now=now,
        )

    owner = w.online_case.applicant.user
    draft = new(w.online_case, "online", owner)
    first = draft.materials.order_by("pk").first()
    materials.attach_file(
        draft, first, SimpleUploadedFile("身份证.png", png()), actor=owner, now=now
    )
    w.objs["draft"] = draft
    w.objs["draft_material"] = draft.materials.get(pk=first.pk)
    w.objs["window_draft"] = new(w.case, "window", user("clerk"))
    agent_case = Case.objects.filter(filed_by__username="agent", channel="agent").first()
    w.objs["agent_case"] = agent_case
    agent_draft = new(agent_case, "agent", user("agent"))
    mat = agent_draft.materials.order_by("pk").first()
    materials.attach_file(
        agent_draft, mat, SimpleUploadedFile("户口簿.png", png()), actor=user("agent"), now=now
    )
    w.objs["agent_draft"] = agent_draft
    w.objs["agent_material"] = agent_draft.materials.get(pk=mat.pk)
    # The agent's case has a material of the same name, for the reuse the owner never allowed.
    w.objs["agent_case_material"] = agent_case.materials.get(name=mat.name)
    w.objs["consent"] = consents.give_consent(
        w.online_case.applicant,
        material_name=w.material.name,
        channel="portal",
        actor=owner,
        now=now,
        point=agent_case.centre,
    )
    w.objs["mzj_case"] = Case.objects.filter(department__key="mzj").exclude(status="draft").first()


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
    "hallpub:kiosk_ticket": Probe(
        lambda w: {"pk": w.kiosk_ticket.pk},
        staff(OWN_KIOSK),
        outsiders=(OTHER_KIOSK, ANON, "zhangmin", "clerk", OTHER_REGION),
        secret=lambda w: w.kiosk_ticket.number,
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
    "staff:applicant_consents": Probe(
        lambda w: {"pk": w.agent_case.applicant_id},
        staff("clerk"),
        outsiders=(ANON, *APPLICANTS, "clerk_qxp", "agent", "supervisor", "operator", "trader"),
        secret=lambda w: w.agent_case.applicant.name,
    ),
    "portal:consent_revoke": Probe(
        lambda w: {"pk": w.consent.pk},
        owner_of("online_case"),
        outsiders=(*OWNER_OUTSIDERS, "agent"),
        method="POST",
    ),
    "cases:reveal_identity": Probe(
        case_pk, staff("clerk"), method="POST", data={"reason": "verify"}
    ),
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
    "POST /api/v1/cases/{case_id}/identity": Probe(
        lambda w: {"case_id": w.case.pk},
        staff("clerk"),
        method="POST",
        outsiders=(*STAFF_OUTSIDERS, "operator", "supervisor", "agent"),
        body=lambda w: {"reason": "verify"},
    ),
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
    "open311:requests": "Open311 list of the published types only, redacted (test_public_faces)",
    "open311:request": "Open311 request by its unguessable signed id; numbers answer 404",
    "open311:token": "Open311 token lookup answers only the request's public id",
    "open311:discovery": "Open311 service discovery: one fixed public document (fmt only)",
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


def sign_in_pages() -> tuple[str, ...]:
    """Where an anonymous visitor is sent to sign in: a user, or a device (kiosk pages)."""
    return (LOGIN, reverse("hallpub:device"))


def _probe_client(name: str, w: World, address: str) -> Client:
    """A device session of the world (OWN_KIOSK, …), else a user's (or anonymous) client."""
    c = w.objs.get(name)
    return c if isinstance(c, Client) else _client(name, address)


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
    if status == 302 and who == ANON and response["Location"].startswith(sign_in_pages()):
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
        r = _probe_client(probe.insider(w), w, "10.1.0.1").get(url)
        if r.status_code != 200:
            problems.append(f"{key}: the insider {probe.insider(w)} got {r.status_code} at {url}")
        elif secret and secret not in r.content.decode(errors="replace"):
            problems.append(f"{key}: the insider's page lacks {secret!r}")
    if probe.check_insider and probe.method == "POST":
        # The insider's POST reaches the action (whatever the action then says), and is undone.
        with transaction.atomic():
            r = _send(_probe_client(probe.insider(w), w, "10.1.0.2"), probe, url, body)
            transaction.set_rollback(True)
        if r.status_code in OK_STATUSES:
            problems.append(f"{key}: the insider {probe.insider(w)} got {r.status_code} at {url}")
    for i, who in enumerate(probe.outsiders):
        r = _send(_probe_client(who, w, f"10.2.{i}.1"), probe, url, body)
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


# --- the permissions table, cell by cell ---------------------------------------------------------
#
# Every cell of onestop.org.permissions.TABLE has a probe here: who tries it (a user, or a device
# session signed in on a user), an object inside the cell's reach (which must be reached) and one
# beyond it (which must be refused); a NONE cell has only the one beyond. A cell without a probe
# fails the test, as a route without a probe does above.


@dataclass(frozen=True)
class Try:
    url: Callable[[World], str]
    method: str = "GET"
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    # A POST that a view refuses with a message (302): whether it happened, asked afterwards.
    took: Callable[[World], bool] | None = None
    # Text a refused (or summary) answer must not show.
    secret: Callable[[World], str] | None = None
    # What must hold before the request (a consent given), undone with it.
    setup: Callable[[World], Any] | None = None


@dataclass(frozen=True)
class Cell:
    who: str
    beyond: Try | None = None
    inside: Try | None = None
    device: str | None = None


def url(name: str, **kwargs: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={k: f(w) for k, f in kwargs.items()})


def pk(attr: str) -> Callable[[World], Any]:
    return lambda w: getattr(w, attr).pk


def get(name: str, **kwargs: Callable[[World], Any]) -> Try:
    return Try(url(name, **kwargs))


def post(name: str, data: dict[str, str] | None = None, **kwargs: Callable[[World], Any]) -> Try:
    return Try(url(name, **kwargs), "POST", lambda w: dict(data or {}))


def reuse(case: str, material: str, stored: Callable[[World], Any]) -> Try:
    """Link a file on record to a case's material through the portal."""
    return Try(
        url("portal:case_material", pk=pk(case), material_pk=pk(material)),
        "POST",
        lambda w: {"reuse": str(stored(w).pk)},
        took=lambda w: (
            getattr(w, material).__class__.objects.get(pk=getattr(w, material).pk).file_id
            == stored(w).pk
        ),
    )


def villager_consents(w: World) -> None:
    """The villager allows the agent's point to reuse her material, on the portal."""
    from onestop.cases import consents

    owner = w.agent_case.applicant
    consents.give_consent(
        owner,
        material_name=w.agent_material.name,
        channel="portal",
        actor=owner.user,
        now=timezone.now(),
        point=w.agent_case.centre,
    )


def summary(w: World) -> str:
    return reverse("cases:list") + f"?q={w.case.number}"


CASE_PAGE = get("cases:detail", pk=pk("case"))
STAFF_LIST = get("cases:list")
RATE = post("evaluation:rate", {"score": "5"}, pk=pk("rated_case"))
REVEAL_ON_CASE = post("cases:reveal_identity", {"reason": "verify"}, pk=pk("case"))
OWNER = "owner"  # the online applicant (zhangmin in the demo), resolved from the world

CELLS: dict[tuple[str, str, str], Cell] = {
    # the applicant
    ("applicant", "case", "read"): Cell(
        OWNER,
        inside=get("portal:case_detail", pk=pk("online_case")),
        beyond=get("portal:case_detail", pk=pk("case")),
    ),
    ("applicant", "case", "act"): Cell(
        OWNER,
        inside=post("portal:case_withdraw", {"reason": "不办了"}, pk=pk("online_case")),
        beyond=post("portal:case_withdraw", {"reason": "不办了"}, pk=pk("agent_case")),
    ),
    ("applicant", "draft", "read"): Cell(
        OWNER,
        inside=get("portal:case_detail", pk=pk("draft")),
        beyond=get("portal:case_detail", pk=pk("agent_draft")),
    ),
    ("applicant", "material", "download"): Cell(
        OWNER,
        inside=get("files:material", pk=pk("material")),
        beyond=get("files:material", pk=pk("agent_material")),
    ),
    ("applicant", "material", "reuse"): Cell(
        OWNER,
        inside=reuse("draft", "draft_material", lambda w: w.stored_file),
        beyond=reuse("draft", "draft_material", lambda w: w.agent_material.file),
    ),
    ("applicant", "notice", "read"): Cell(
        "owner:case",
        inside=get("documents:notice", pk=pk("case"), kind=lambda w: "acceptance"),
        beyond=get("documents:notice", pk=pk("mzj_case"), kind=lambda w: "acceptance"),
    ),
    ("applicant", "certificate", "read"): Cell(
        "owner:certificate",
        inside=get("documents:certificate_pdf", pk=lambda w: w.certificate.case_id),
        beyond=get("documents:certificate_pdf", pk=pk("mzj_case")),
    ),
    ("applicant", "rating", "create"): Cell(
        "owner:rated_case", inside=RATE, beyond=post("evaluation:rate", pk=pk("case"))
    ),
    ("applicant", "hotline_ticket", "read"): Cell(
        OWNER, beyond=get("hotline:ticket", pk=pk("hotline_ticket"))
    ),
    ("applicant", "staff_page", "read"): Cell(OWNER, beyond=STAFF_LIST),
    # the community agent
    ("community_agent", "case", "read"): Cell(
        "agent",
        inside=get("portal:case_detail", pk=pk("agent_case")),
        beyond=get("portal:case_detail", pk=pk("online_case")),
    ),
    ("community_agent", "draft", "read"): Cell(
        "agent",
        inside=get("portal:case_detail", pk=pk("agent_draft")),
        beyond=get("portal:case_detail", pk=pk("draft")),
    ),
    ("community_agent", "material", "download"): Cell(
        "agent",
        inside=get("files:material", pk=pk("agent_material")),
        beyond=get("files:download", pk=pk("stored_file")),
    ),
    # The villager never consented: the agent may not link the file they once uploaded for her.
    ("community_agent", "material", "reuse"): Cell(
        "agent",
        inside=replace(
            reuse("agent_case", "agent_case_material", lambda w: w.agent_material.file),
            setup=villager_consents,
        ),
        beyond=reuse("agent_case", "agent_case_material", lambda w: w.agent_material.file),
    ),
    ("community_agent", "identity", "reveal"): Cell(
        "agent",
        beyond=post(
            "staff:reveal_identity", {"purpose": "核验身份"}, pk=lambda w: w.agent_case.applicant_id
        ),
    ),
    ("community_agent", "rating", "create"): Cell("agent", beyond=RATE),
    # a department's staff (the clerk of 市场监管局 stands for the five roles)
    ("department", "case", "read"): Cell(
        "clerk", inside=CASE_PAGE, beyond=get("cases:detail", pk=pk("mzj_case"))
    ),
    ("department", "case", "act"): Cell(
        "clerk",
        inside=post("cases:move", pk=pk("case"), move=lambda w: "withdraw"),
        beyond=post("cases:move", pk=pk("mzj_case"), move=lambda w: "withdraw"),
    ),
    ("department", "draft", "read"): Cell(
        "clerk",
        inside=get("cases:detail", pk=pk("window_draft")),
        beyond=get("cases:detail", pk=pk("draft")),
    ),
    ("department", "material", "download"): Cell(
        "clerk",
        inside=get("files:material", pk=pk("material")),
        beyond=get("files:material", pk=pk("draft_material")),
    ),
    ("department", "material", "reuse"): Cell(
        "clerk", beyond=reuse("draft", "draft_material", lambda w: w.stored_file)
    ),
    ("department", "identity", "reveal"): Cell(
        "clerk",
        inside=REVEAL_ON_CASE,
        beyond=post("cases:reveal_identity", {"reason": "verify"}, pk=pk("mzj_case")),
    ),
    ("department", "notice", "read"): Cell(
        "clerk",
        inside=get("documents:notice", pk=pk("case"), kind=lambda w: "acceptance"),
        beyond=get("documents:notice", pk=pk("mzj_case"), kind=lambda w: "acceptance"),
    ),
    ("department", "certificate", "read"): Cell(
        "clerk",
        inside=get("documents:certificate_pdf", pk=lambda w: w.certificate.case_id),
        beyond=get("documents:certificate_pdf", pk=pk("mzj_case")),
    ),
    ("department", "hotline_ticket", "read"): Cell(
        "clerk",
        inside=get("hotline:ticket", pk=pk("hotline_ticket")),
        beyond=get("hotline:ticket", pk=pk("attachment_ticket")),
    ),
    # A clerk must not rate: the rating is the applicant's.
    ("department", "rating", "create"): Cell("clerk", beyond=RATE),
    ("department", "bid", "read"): Cell(
        "clerk", beyond=get("trading:receipt", receipt=lambda w: w.bid.receipt)
    ),
    # the supervisor
    ("supervisor", "case", "read"): Cell("supervisor", inside=CASE_PAGE),
    ("supervisor", "draft", "read"): Cell("supervisor", beyond=get("cases:detail", pk=pk("draft"))),
    ("supervisor", "material", "download"): Cell(
        "supervisor",
        inside=get("files:material", pk=pk("material")),
        beyond=get("files:material", pk=pk("draft_material")),
    ),
    ("supervisor", "identity", "reveal"): Cell("supervisor", beyond=REVEAL_ON_CASE),
    ("supervisor", "identity", "audit"): Cell(
        "supervisor", inside=Try(lambda w: reverse("staff:identity_reads"))
    ),
    ("supervisor", "rating", "create"): Cell("supervisor", beyond=RATE),
    # the centre administrator keeps the catalog: no files, no full numbers
    ("centre_admin", "case", "read"): Cell("admin", inside=CASE_PAGE),
    ("centre_admin", "draft", "read"): Cell("admin", beyond=get("cases:detail", pk=pk("draft"))),
    ("centre_admin", "material", "download"): Cell(
        "admin", beyond=get("files:material", pk=pk("material"))
    ),
    ("centre_admin", "identity", "reveal"): Cell("admin", beyond=REVEAL_ON_CASE),
    # the hotline operator: number, item, status and due date, nothing more
    ("hotline_operator", "case", "summary"): Cell(
        "operator",
        inside=Try(summary, secret=lambda w: w.case.applicant.name),
    ),
    ("hotline_operator", "case", "read"): Cell("operator", beyond=CASE_PAGE),
    ("hotline_operator", "material", "download"): Cell(
        "operator", beyond=get("files:material", pk=pk("material"))
    ),
    ("hotline_operator", "identity", "reveal"): Cell(
        "operator",
        beyond=post("staff:reveal_identity", {"purpose": "核验身份"}, pk=lambda w: w.applicant.pk),
    ),
    ("hotline_operator", "hotline_ticket", "read"): Cell(
        "operator", inside=get("hotline:ticket", pk=pk("hotline_ticket"))
    ),
    ("hotline_operator", "hotline_ticket", "act"): Cell(
        "operator",
        inside=post("hotline:ticket_move", pk=pk("hotline_ticket"), move=lambda w: "callback"),
    ),
    # the trading officer
    ("trading_officer", "case", "read"): Cell("trader", beyond=CASE_PAGE),
    ("trading_officer", "bid", "read"): Cell(
        "trader", beyond=get("trading:receipt", receipt=lambda w: w.bid.receipt)
    ),
    # devices: a kiosk or a pad session reaches only its one job, whoever signed it in
    ("device:kiosk", "staff_page", "read"): Cell("guide", beyond=STAFF_LIST, device="device:kiosk"),
    ("device:kiosk", "case", "read"): Cell("clerk", beyond=CASE_PAGE, device="device:kiosk"),
    ("device:pad", "staff_page", "read"): Cell("clerk", beyond=STAFF_LIST, device="device:pad"),
    ("device:pad", "rating", "create"): Cell(
        "clerk", inside=get("evaluation:pad"), device="device:pad"
    ),
}


def _device_client(kind: str, w: World, address: str) -> Client:
    """A browser paired as a real device of the case's centre (a pad at one of its windows)."""
    from onestop.hall import devices
    from onestop.hall.models import Device
    from onestop.org.models import Window

    centre = w.case.centre
    pad = kind == "device:pad"
    device, token, _code = devices.register_device(
        name=f"大厅终端 {address}",
        kind=Device.Kind.RATING_PAD if pad else Device.Kind.KIOSK,
        centre=centre,
        window=Window.objects.filter(zone__centre=centre).order_by("pk").first() if pad else None,
        actor=None,
        now=timezone.now(),
    )
    c = Client(REMOTE_ADDR=address)
    assert c.post(reverse("hallpub:device"), {"code": token}).status_code == 302
    return c


def _cell_client(cell: Cell, w: World, address: str) -> Client:
    if cell.device:
        return _device_client(cell.device, w, address)
    name = cell.who
    if cell.who == OWNER:
        name = w.online_case.applicant.user.username
    elif cell.who.startswith("owner:"):
        obj = getattr(w, cell.who.split(":", 1)[1])
        name = getattr(obj, "case", obj).applicant.user.username
    return _client(name, address)


def device_homes() -> tuple[str, ...]:
    """Where a device session is sent back to when it asks for anything beyond its job."""
    return tuple(reverse(n) for n in ("hallpub:kiosk", "evaluation:pad", "hallpub:device"))


def _try(c: Client, t: Try, w: World, *, allowed: bool) -> str | None:
    """None if the answer is what the cell says, else what went wrong. Undone either way."""
    with transaction.atomic():
        if t.setup is not None:
            t.setup(w)
        target = t.url(w)
        r = c.get(target) if t.method == "GET" else c.post(target, t.data(w))
        took = t.took(w) if t.took else None
        transaction.set_rollback(True)
    shown = (
        r.content.decode(errors="replace") if r.get("Content-Type", "").startswith("text") else ""
    )
    secret = t.secret(w) if t.secret else ""
    if allowed:
        if t.method == "GET" and r.status_code != 200:
            return f"{t.method} {target} answered {r.status_code}, not 200"
        if t.method == "POST" and r.status_code in OK_STATUSES:
            return f"{t.method} {target} answered {r.status_code}"
        if took is False:
            return f"{t.method} {target} did not happen"
        if secret and secret in shown:
            return f"{t.method} {target} shows {secret!r}"
        return None
    if took:
        return f"{t.method} {target} happened"
    if took is None and r.status_code == 302 and r["Location"].startswith(device_homes()):
        return None
    if took is None and r.status_code not in OK_STATUSES:
        return f"{t.method} {target} answered {r.status_code}"
    return None


def run_cells(w: World) -> list[str]:
    from onestop.org.permissions import Reach, cells

    problems = []
    for i, (principal, obj, act, how_far) in enumerate(cells()):
        key = (principal, obj.value, act.value)
        cell = CELLS.get(key)
        if cell is None:
            problems.append(f"{key}: a cell of the table without a probe")
            continue
        c = _cell_client(cell, w, f"10.3.{i}.1")
        if how_far == Reach.NONE and (cell.inside is not None or cell.beyond is None):
            problems.append(f"{key}: a NONE cell is tried beyond only")
        if how_far != Reach.NONE and cell.inside is None:
            problems.append(f"{key}: reach {how_far} but nothing inside it is tried")
        for t, allowed in ((cell.inside, True), (cell.beyond, False)):
            if t is not None:
                why = _try(c, t, w, allowed=allowed)
                if why:
                    problems.append(f"{key} ({how_far}, {cell.who}): {why}")
    stale = [k for k in CELLS if k not in {(p, o.value, a.value) for p, o, a, _r in cells()}]
    problems += [f"{k}: a probe for a cell the table no longer has" for k in stale]
    return problems


@pytest.mark.slow
def test_outsiders_never_get_data(db, settings, tmp_path):
    """The demo district, every probe, every outsider: one list of everything that leaks."""
    from onestop.demo.load import load_demo

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
        problems += run_cells(w)
    assert not problems, "\n".join(problems)
