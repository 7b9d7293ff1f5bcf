"""Every list page and API list answers in a number of queries that does not grow with its rows.

The demo district is the data set. For each list route (LIST_PAGES, API_LISTS) the test requests
the page as a user who sees it with two more rows of the kind it lists, then with eight more
(`clone`: plain copies of rows of the named model, unique fields made unique, so that they show
in the same list), and compares: the number of queries must be the same, and the page must have
changed (so the new rows were shown and the test is not vacuous). A per-row query (an N+1)
fails it. The demo has no payment nor rectification: the fixture makes one of each through the
real actions.

`test_every_list_route_is_covered` walks the URL patterns and the OpenAPI document: a new page
or API operation without path parameters must be listed here, as a list or in NOT_LISTS with
the reason it is not one.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

pytestmark = pytest.mark.slow

GROW = 8  # copies added to each list
SERIAL = itertools.count()  # makes copies' unique fields unique


@dataclass(frozen=True)
class Route:
    """A list: who requests it, and the rows (model label, filter) to add copies of.

    `set` gives field values of the copies (e.g. another owner), `vary` the foreign key whose
    target is copied too when a unique constraint holds only foreign keys."""

    user: str | None
    model: str
    rows: dict[str, Any] = field(default_factory=dict)
    query: str = ""  # query string
    kwargs: dict[str, Any] = field(default_factory=dict)
    set: Callable[[], dict[str, Any]] | None = None
    vary: str = ""


def sent() -> dict[str, Any]:
    return {"status": "sent"}


def pending() -> dict[str, Any]:
    return {"status": "pending"}


def today() -> dict[str, Any]:
    now = timezone.now()
    return {"starts_at": now, "ends_at": now + timedelta(minutes=30)}


def waiting_today() -> dict[str, Any]:
    now = timezone.now()
    return {
        "status": "waiting",
        "day": timezone.localdate(),
        "taken_at": now,
        "queue_at": now,
        "window": None,
    }


def zhangmin() -> dict[str, Any]:
    from onestop.org.models import Applicant

    return {"applicant": Applicant.objects.get(user__username="zhangmin")}


def agent() -> dict[str, Any]:
    return {"filed_by": User.objects.get(username="agent")}


TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_YEAR = f"from={TODAY - timedelta(days=365)}&to={TODAY}"

# URL name → the list it shows. Users are the demo's accounts (README).
LIST_PAGES: dict[str, Route] = {
    "portal:home": Route(None, "catalog.LifeEvent"),
    "portal:guide": Route(None, "catalog.ServiceItem", {"department__key": "scjgj"}, "dept=scjgj"),
    "portal:departments": Route(None, "org.Department"),
    "portal:centres": Route(None, "org.Centre"),
    "portal:licences": Route(None, "disclosure.LicenceDecision"),
    "portal:licences_xlsx": Route(None, "disclosure.LicenceDecision"),
    "portal:licences_csv": Route(None, "disclosure.LicenceDecision"),
    "portal:my_cases": Route("zhangmin", "cases.Case", {"status": "submitted"}, set=zhangmin),
    "portal:agent_home": Route("agent", "cases.Case", {"status": "submitted"}, set=agent),
    "cases:list": Route("clerk", "cases.Case", {"department__key": "scjgj"}),
    "cases:tasks": Route(
        "reviewer", "cases.Task", {"department__key": "scjgj", "role": "reviewer"}, vary="case"
    ),
    "staff:home": Route("clerk", "cases.Task", {"department__key": "scjgj"}, vary="case"),
    "staff:applicants": Route("clerk", "org.Applicant", {"kind": "person"}, vary="user"),
    "staff:identity_reads": Route("supervisor", "org.PersonalDataRead"),
    "portal:consents": Route("zhangmin", "cases.ReuseConsent"),
    "supervision:index": Route("supervisor", "supervision.Violation"),
    "dashboard:home": Route("supervisor", "cases.Case", {"status": "accepted"}),
    "dashboard:evaluation": Route(
        "supervisor", "supervision.DailyStat", {"day__gte": THIS_MONTH}, "by=person"
    ),
    "notify:inbox": Route(
        "clerk", "notify.Message", {"recipient__username": "clerk", "channel": "inapp"}, set=sent
    ),
    "evaluation:rectifications": Route("supervisor", "evaluation.Rectification"),
    "evaluation:stats": Route(None, "evaluation.Rating"),
    "evaluation:export": Route(
        "supervisor", "evaluation.Rating", {"comment": "等了很久"}, query="format=json"
    ),
    "hall:bookings": Route("clerk", "hall.Booking", {"cancelled_at__isnull": True}, set=today),
    "hall:window": Route("clerk", "hall.Ticket", {"clerk__username": "clerk"}, set=waiting_today),
    "hall:figures": Route("supervisor", "hall.Ticket", query=LAST_YEAR),
    "hotline:tickets": Route("operator", "hotline.Ticket"),
    "hotline:inbox": Route("clerk", "hotline.Dispatch", {"department__key": "scjgj"}),
    "hotline:callbacks": Route("operator", "hotline.Ticket", {"status": "replied"}),
    "hotline:leaders": Route("leader", "hotline.Escalation", vary="ticket"),
    "hotline:kb": Route("operator", "hotline.Article", {"title__contains": "失业"}, "q=失业保险"),
    "hotline:metrics": Route("operator", "hotline.Ticket"),
    "draws:list": Route(None, "draws.Draw"),
    "trading:list": Route(None, "trading.Project", {"status": "tendering"}),
    "trading:my_bids": Route(
        "bidder",
        "trading.Bid",
        {"bidder__user__username": "bidder", "project__status": "tendering"},
        vary="project",
    ),
    "trading:complaints": Route(None, "trading.Complaint"),
    "trading:credit": Route(None, "trading.CreditRecord"),
    "trading_staff:list": Route("trader", "trading.Project", {"status": "tendering"}),
    "trading_staff:credit": Route("trader", "trading.CreditRecord"),
    "intermediaries:list": Route(None, "intermediaries.Intermediary"),
    "intermediaries:needs": Route("vtjs", "intermediaries.Need"),
    "intermediaries:staff": Route("trader", "intermediaries.Intermediary", set=pending),
    "parallel:index": Route(
        "parallel", "parallel.Submission", {"project__isnull": False}, vary="project"
    ),
    "parallel:express": Route("manager", "parallel.KeyEnterprise", vary="applicant"),
    "my_parallel:mine": Route("vtjs", "parallel.Project", {"owner__user__username": "vtjs"}),
    "hallpub:my": Route("zhangmin", "hall.Booking", set=zhangmin),
    "fees:reconciliation": Route("supervisor", "fees.Payment"),
    "fees:reconciliation_xlsx": Route("supervisor", "fees.Payment"),
    # published: the types the test deployment marks public (see the test), never anonymous
    "open311:requests": Route(
        None, "hotline.Ticket", {"kind": "complaint", "anonymous": False}, kwargs={"fmt": "json"}
    ),
}

# API list operations (OpenAPI path → the list it answers); staff call them with their session.
API_LISTS: dict[str, Route] = {
    "/api/v1/catalog/items": Route(
        None, "catalog.ServiceItem", {"name": "食品经营许可"}, "q=食品经营许可&limit=100"
    ),
    "/api/v1/cases": Route("clerk", "cases.Case", {"department__key": "scjgj"}),
    "/api/v1/tasks": Route("reviewer", "cases.Task", {"department__key": "scjgj"}, vary="case"),
    "/api/v1/fees/reconciliation": Route("supervisor", "fees.Payment"),
    "/api/v1/hall/figures": Route("supervisor", "hall.Ticket", query=LAST_YEAR),
    "/api/v1/hotline/tickets": Route("operator", "hotline.Ticket"),
    "/api/v1/hotline/inbox": Route("clerk", "hotline.Dispatch", {"department__key": "scjgj"}),
    "/api/v1/hotline/kb": Route(
        "operator", "hotline.Article", {"title__contains": "异地就医"}, "q=异地就医备案"
    ),
    "/api/v1/parallel/tracks": Route("parallel", "parallel.Track"),
    "/api/v1/parallel/projects": Route("parallel", "parallel.Project"),
    "/api/v1/trading/ocds.json": Route(None, "trading.Project", {"status": "tendering"}),
    "/api/v1/trading/projects": Route(None, "trading.Project", {"status": "tendering"}),
    "/api/v1/disclosure/licences": Route(None, "disclosure.LicenceDecision"),
}

# Pages without path parameters that are not lists, and why.
NOT_LISTS: dict[str, str] = {
    "set_language": "a POST that switches the language",
    "org:login": "a form",
    "draws:script": "the draw verification script, a file",
    "org:logout": "a POST",
    "org:register": "a form",
    "org:identity": "the account's own identity (one claim or one applicant) and its forms",
    "org:identity_code": "a POST",
    "org:identity_prove": "a POST",
    "org:identity_confirm": "a form and the centre's latest 20 confirmations (a fixed number of "
    "rows, their claim and clerk joined in the one query)",
    "org:after_login": "a redirect",
    "workdays:calculator": "a form",
    "cases:window": "the walk-in application form",
    "documents:verify_form": "a form",
    "documents:public_key": "one key",
    "supervision:card_new": "a form",
    "evaluation:pad": "the window's rating pad (one case)",
    "hall:desk": "the desk's form (zones and items to choose from, fixed by the catalog)",
    "hallpub:kiosk": "the kiosk device's form (zones and items, fixed by the catalog)",
    "hallpub:device": "a form (a kiosk or a pad signs in)",
    "hall:inquiry_new": "a form",
    "hallpub:book_start": "a form",
    "hotline:console": "the call-taking form",
    "hotline:caller": "an htmx fragment for one phone number",
    "hotline:suggest": "an htmx fragment (one suggestion)",
    "hotline:kb_new": "a form",
    "hotline_public:submit": "a form",
    "hotline_public:track": "a lookup of one ticket",
    "trading_staff:new": "a form",
    "trading_staff:opening_key": "a form",
    "intermediaries:register": "a form",
    "intermediaries:need_new": "a form",
    "parallel:project_new": "a form",
    "portal:progress": "a lookup of one case",
    "portal:agent_items": "the catalog's items an agent may apply for (fixed by the catalog)",
    "open311:services": "the fixed list of ticket types (an enumeration, not rows)",
    "open311:discovery": "one fixed document: where the endpoint is",
}
NOT_API_LISTS: dict[str, str] = {
    "/api/v1/workdays/due": "a calculation",
    "/api/v1/identity/check": "a check of one number",
    "/api/v1/identity/me": "the caller's own identity (one row)",
    "/api/v1/cases/progress": "a lookup of one case",
    "/api/v1/cases/audit/verify": "one verdict over the scope (reads events in batches)",
    "/api/v1/hall/slots": "the slots of one item at one centre",
    "/api/v1/hotline/suggest": "one suggestion",
}


# --- enumerating the routes -------------------------------------------------------------------


FMT = {"fmt"}


def page_routes() -> set[str]:
    """Names of every page route without path parameters (admin and the API excluded)."""
    found: set[str] = set()

    def walk(patterns: list[Any], ns: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                name = p.namespace or ns
                if name not in ("admin", "api"):
                    walk(p.url_patterns, name)
            # Open311's `.json|.xml` suffix is a format, not a parameter
            elif (
                isinstance(p, URLPattern) and p.name and set(p.pattern.regex.groupindex) <= {"fmt"}
            ):
                found.add(f"{ns}:{p.name}" if ns else p.name)

    walk(get_resolver().url_patterns, None)
    return found


def api_list_operations() -> set[str]:
    from onestop.api.main import api

    paths = api.get_openapi_schema()["paths"]
    return {path for path, ops in paths.items() if "get" in ops and "{" not in path}


def test_every_list_route_is_covered() -> None:
    pages = page_routes()
    missing = pages - set(LIST_PAGES) - set(NOT_LISTS)
    assert not missing, f"list or exclude these pages in tests/perf/test_query_counts.py: {missing}"
    stale = (set(LIST_PAGES) | set(NOT_LISTS)) - pages
    assert not stale, f"no longer routes: {stale}"
    ops = api_list_operations()
    missing_ops = ops - set(API_LISTS) - set(NOT_API_LISTS)
    assert not missing_ops, f"list or exclude these API operations: {missing_ops}"
    assert not (set(API_LISTS) | set(NOT_API_LISTS)) - ops


# --- growing a list -----------------------------------------------------------------------


def _unique_value(f: models.Field, value: Any, n: int) -> Any:
    if isinstance(f, models.CharField | models.TextField):
        suffix = f"~{n}"
        limit = f.max_length or 200
        return (str(value) if value else "c")[: limit - len(suffix)] + suffix
    if isinstance(f, models.IntegerField):
        top = f.model._default_manager.aggregate(m=models.Max(f.attname))["m"] or 0
        return top + 1
    raise NotImplementedError(f"cannot make {f.model.__name__}.{f.name} unique")


def clone(obj: models.Model, n: int, vary: str = "", values: dict[str, Any] | None = None) -> Any:
    """A copy of `obj` (same foreign keys, so it shows in the same lists), unique fields varied:
    a unique text or number gets a suffix or the next number, a unique nullable link is left
    empty, a unique required link (or the `vary` link of a unique set of links) points to a copy
    of its target."""
    new = copy.copy(obj)
    new.pk = None
    new._state = copy.copy(obj._state)
    new._state.adding = True
    new._state.fields_cache = {}
    meta = obj._meta
    for name, value in (values or {}).items():
        setattr(new, name, value)
    linked = {vary} if vary else set()
    for f in meta.concrete_fields:
        if f.primary_key or not f.unique or getattr(new, f.attname) is None:
            continue
        if not f.is_relation:
            setattr(new, f.attname, _unique_value(f, getattr(obj, f.attname), n))
        elif f.null:
            setattr(new, f.attname, None)
        else:
            linked.add(f.name)
    unique_sets = [
        tuple(c.fields) for c in meta.constraints if isinstance(c, models.UniqueConstraint)
    ] + [tuple(t) for t in meta.unique_together]
    for names in unique_sets:
        fields = [meta.get_field(name) for name in names]
        if any(getattr(new, f.attname) is None for f in fields) or linked & set(names):
            continue  # a NULL never collides; a copied target already makes it unique
        plain = next(
            (
                f
                for f in fields
                if isinstance(f, models.CharField | models.TextField | models.IntegerField)
                and not f.is_relation
                and not f.choices
            ),
            None,
        )
        if plain is not None:
            setattr(new, plain.attname, _unique_value(plain, getattr(obj, plain.attname), n))
        else:
            linked.add(next(f.name for f in fields if f.is_relation))
    for name in linked:
        setattr(new, name, clone(getattr(obj, name), next(SERIAL)))
    models.Model.save_base(new, force_insert=True, raw=True)
    return new


def grow(route: Route, count: int) -> None:
    model = apps.get_model(route.model)
    rows = list(model._default_manager.filter(**route.rows).order_by("pk")[:count])
    if not rows:
        raise AssertionError(f"the demo has no {route.model} matching {route.rows}")
    values = route.set() if route.set else None
    for n in range(count):
        clone(rows[n % len(rows)], next(SERIAL), route.vary, values)


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Measured:
    queries: int
    status: int
    body: bytes


# What differs between two requests of the same page whatever the rows: the masked CSRF token.
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=|"csrfToken": ?|csrf_token=)"?[\w-]+')


def measure(client: Client, url: str) -> Measured:
    client.get(url)  # warm: per-process caches are not what this test is about
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    body = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
    return Measured(len(ctx.captured_queries), response.status_code, CSRF.sub(b"", body))


def check(label: str, url: str, route: Route, clients: Callable[[str | None], Client]) -> str:
    """'' when the list's queries stay flat as it grows, else what went wrong."""
    client = clients(route.user)
    grow(route, 2)  # never an empty list (an empty page skips its query)
    before = measure(client, url)
    if before.status != 200:
        return f"{label}: HTTP {before.status} as {route.user}"
    grow(route, GROW)
    after = measure(client, url)
    if after.status != 200:
        return f"{label}: HTTP {after.status} after adding rows"
    if after.body == before.body:
        return f"{label}: the page did not change with {GROW} more {route.model} (not shown?)"
    if after.queries != before.queries:
        return f"{label}: {before.queries} queries, {after.queries} with {GROW} more rows"
    return ""


def _checked(label: str, url: str, route: Route, clients: Callable[[str | None], Client]) -> str:
    try:
        with transaction.atomic():  # a failed copy leaves nothing behind for the next list
            return check(label, url, route, clients)
    except Exception as exc:  # every list is reported, not only the first that breaks
        return f"{label}: {type(exc).__name__}: {exc}"


@pytest.fixture
def demo_world(db: None) -> None:
    from onestop.demo.load import load_demo
    from onestop.jobs import run_job

    now = timezone.now()
    load_demo(now=now)  # with the past year: ratings, statistics
    run_job("sweep_supervision", now)  # alerts and violations
    run_job("refresh_statistics", now)
    seed_payment(now)
    seed_rectification(now)
    seed_identity_read(now)
    seed_consent(now)


def seed_identity_read(now: Any) -> None:
    """A clerk reads a case's full ID number, with a reason (the supervisors' list of reads)."""
    from onestop.cases.identity_reads import reveal_case_identity
    from onestop.cases.models import Case
    from onestop.org.models import Role, StaffRole

    case = Case.objects.filter(department__key="scjgj").exclude(status="draft").first()
    assert case is not None  # noqa: S101
    clerk = StaffRole.objects.filter(role=Role.CLERK, department=case.department)[0].user
    reveal_case_identity(case, actor=clerk, now=now, reason="verify")


def seed_consent(now: Any) -> None:
    """zhangmin lets her community's agent point reuse a file on record."""
    from django.core.files.base import ContentFile

    from onestop.cases.consents import give_consent
    from onestop.cases.models import ReuseConsent, StoredFile
    from onestop.org.models import Applicant, Centre

    owner = Applicant.objects.get(user__username="zhangmin")
    stored = StoredFile.objects.filter(applicant=owner).first()
    if stored is None:
        stored = StoredFile.objects.create(
            applicant=owner,
            material_name="居民身份证",
            file=ContentFile(b"%PDF-1.4 demo", name="id.pdf"),
            original_name="身份证.pdf",
            content_type="application/pdf",
            size=13,
            uploaded_by=owner.user,
            uploaded_at=now,
        )
    point = Centre.objects.filter(level=Centre.Level.COMMUNITY).first()
    give_consent(
        owner,
        material_name=stored.material_name,
        channel=ReuseConsent.Channel.PORTAL,
        actor=owner.user,
        now=now,
        point=point,
    )


def seed_payment(now: Any) -> None:
    """A window payment on a case of an item that charges a fee (the demo has fee rules only)."""
    from onestop.cases import actions
    from onestop.cases.models import Case, CaseMaterial
    from onestop.catalog.queries import live_items
    from onestop.demo.cases import form_for
    from onestop.fees.actions import issue_fee_notice, record_payment
    from onestop.fees.models import FeeRule, Payment
    from onestop.org.models import Applicant, Centre, Role, StaffRole

    item = live_items().filter(code__in=FeeRule.objects.values("item_code"), kind="promised")[0]
    clerk = StaffRole.objects.filter(role=Role.CLERK, department=item.department)[0].user
    applicant = Applicant.objects.get(user__username="zhangmin")
    case = actions.create_case(
        actions.NewCase(
            item=item,
            applicant=applicant,
            channel=Case.Channel.WINDOW,
            centre=Centre.objects.filter(level="district")[0],
            form_data=form_for(item, applicant),
        ),
        actor=clerk,
        now=now,
    )
    case.materials.update(state=CaseMaterial.State.PROVIDED)
    actions.accept_case(case, actor=clerk, now=now)
    notice = issue_fee_notice(case, actor=clerk, now=now)
    assert notice is not None
    record_payment(notice, actor=clerk, now=now, method=Payment.WINDOW_CASH, amount=notice.amount)


def seed_rectification(now: Any) -> None:
    """A bad rating of a finished case, which opens a rectification."""
    from onestop.cases.models import Case
    from onestop.evaluation.actions import rate_case
    from onestop.evaluation.models import Rating

    case = Case.objects.filter(status__in=["completed", "delivered"], rating__isnull=True)[0]
    rate_case(
        case,
        actor=case.applicant.user,
        now=now,
        score=1,
        comment="等了很久",
        reasons=["efficiency"],
        channel=Rating.Channel.PORTAL,
    )


@pytest.fixture
def clients(demo_world: None) -> Callable[[str | None], Client]:
    made: dict[str | None, Client] = {}

    def get(username: str | None) -> Client:
        if username not in made:
            client = Client()
            if username:
                client.force_login(User.objects.get(username=username))
            made[username] = client
        return made[username]

    return get


def test_list_queries_do_not_grow_with_rows(
    clients: Callable[[str | None], Client], settings: Any
) -> None:
    settings.OPEN311_PUBLIC_SERVICES = ["complaint", "consult"]
    for route in [*LIST_PAGES.values(), *API_LISTS.values()]:
        clients(route.user)  # signed in before any list's rows roll back
    failures = []
    for name, route in LIST_PAGES.items():
        url = reverse(name, kwargs=route.kwargs) + (f"?{route.query}" if route.query else "")
        failures.append(_checked(name, url, route, clients))
    for path, route in API_LISTS.items():
        url = path + (f"?{route.query}" if route.query else "")
        failures.append(_checked(path, url, route, clients))
    failures = [f for f in failures if f]
    assert not failures, "\n".join(failures)
