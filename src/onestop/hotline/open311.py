"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2/) over the hotline, in JSON and XML.

- GET  /open311/discovery.(json|xml)        where the endpoint is and what it speaks
- GET  services.(json|xml)                  the ticket types, public
- GET  services/{code}.(json|xml)           a type's extra attributes (street/community, anonymity)
- GET  requests.(json|xml)                  published tickets: service_code, start_date,
                                            end_date (≤ 90 days; default the last 90), status
- POST requests.(json|xml)                  a new ticket; needs api_key (an API token)
- GET  requests/{id}.(json|xml)             one ticket (also request/{id}, as in the Swagger file)
- GET  tokens/{token}.(json|xml)            the ticket a POST's token stands for

What is public: the list holds only tickets of the types the deployment marked public
(settings.OPEN311_PUBLIC_SERVICES; never 举报 or 求助) that are not anonymous, and every text
goes through lib.redact. A ticket's service_request_id is an unguessable signed id, so that the
sequential ticket numbers lead nowhere: requests/{number} answers 404 unless the api_key of the
system that created the ticket comes with it. Reporters are never published: no name, no phone,
no address below the street or community, coordinates rounded to about a kilometre.

Internal states map to open/closed; status_notes says where the ticket is, agency_responsible
names the lead department, expected_datetime is its deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from onestop.apitokens.queries import user_for_token_from
from onestop.core.errors import DomainError
from onestop.hotline import actions, router
from onestop.hotline.deadlines import find_rule
from onestop.hotline.models import Kind, Ticket
from onestop.hotline.rules import NewTicket
from onestop.hotline.workflow import ANSWER_GIVEN, CLOSED, OPEN
from onestop.lib import ratelimit
from onestop.lib.ratelimit import RateLimited
from onestop.lib.redact import redact
from onestop.org.models import Region
from onestop.workdays.calendar import centre_zone

TOKEN_SALT = "onestop.hotline.open311.token"  # noqa: S105 - a signing salt, not a secret
MAX_RANGE = timedelta(days=90)
GROUP = "12345政务服务便民热线"
DESCRIPTIONS = {
    Kind.CONSULT: "政策、办事咨询",
    Kind.HELP: "生活困难、紧急求助",
    Kind.COMPLAINT: "对单位、商家或工作人员的投诉",
    Kind.SUGGESTION: "对政府工作的意见建议",
    Kind.REPORT: "违法违规行为举报",
    Kind.PRAISE: "对部门、工作人员的表扬",
}
KEYWORDS = {
    Kind.CONSULT: "政策,办事,咨询",
    Kind.HELP: "求助,困难,救助",
    Kind.COMPLAINT: "投诉,噪音,油烟,物业,欠薪",
    Kind.SUGGESTION: "建议,意见",
    Kind.REPORT: "举报,违法,违规",
    Kind.PRAISE: "表扬,感谢",
}
# Never published, whatever the setting says (DESIGN.md "Personal data and trust").
NEVER_PUBLIC = frozenset({Kind.REPORT, Kind.HELP})
ID_SALT = "onestop.hotline.open311.id"
# Published coordinates are rounded to this many decimals (0.01° ≈ 1 km: the street, not the door).
COORDINATE_DECIMALS = 2


class Open311Error(Exception):
    def __init__(self, status: int, description: str, retry_after: int = 0) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


# --- rendering ---------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, key: str, value: Any) -> None:
    child = ET.SubElement(parent, key)
    if value is None:
        return
    if isinstance(value, bool):
        child.text = "true" if value else "false"
    elif isinstance(value, list):
        item_tag = {"attributes": "attribute", "values": "value"}.get(key, "item")
        for item in value:
            node = ET.SubElement(child, item_tag)
            for k, v in item.items():
                _xml_value(node, k, v)
    else:
        child.text = str(value)


def _xml(root: str, item: str | None, data: Any) -> bytes:
    top = ET.Element(root)
    for entry in data if item else [data]:
        node = ET.SubElement(top, item) if item else top
        for key, value in entry.items():
            _xml_value(node, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _respond(
    fmt: str, data: Any, *, root: str, item: str | None, status: int = 200
) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            _xml(root, item, data), content_type="text/xml; charset=utf-8", status=status
        )
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str, retry_after: int = 0) -> HttpResponse:
    response = _respond(
        fmt,
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _failed(fmt: str, e: Open311Error) -> HttpResponse:
    return _error(fmt if fmt in ("json", "xml") else "json", e.status, e.description, e.retry_after)


def _format(fmt: str) -> str:
    if fmt not in ("json", "xml"):
        raise Open311Error(400, "格式应为 json 或 xml")
    return fmt


def _stamp(moment: datetime | None) -> str | None:
    """W3C date-time with the centre's offset: 2026-03-10T09:00:00+08:00."""
    return moment.astimezone(centre_zone()).isoformat(timespec="seconds") if moment else None


# --- services ----------------------------------------------------------------------------------


def service(kind: Kind) -> dict[str, Any]:
    return {
        "service_code": kind.value,
        "service_name": str(kind.label),
        "description": DESCRIPTIONS[kind],
        "metadata": True,
        "type": "batch",
        "keywords": KEYWORDS[kind],
        "group": GROUP,
    }


def definition(kind: Kind) -> dict[str, Any]:
    streets = Region.objects.exclude(level=Region.Level.DISTRICT).order_by("code")
    amount, unit, _ = find_rule(kind.value, "normal")
    return {
        "service_code": kind.value,
        "attributes": [
            {
                "variable": True,
                "code": "region_code",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "事发地所在的街道/镇或社区/村",
                "order": 1,
                "description": "所在街道/社区",
                "values": [{"key": r.code, "name": r.name} for r in streets],
            },
            {
                "variable": True,
                "code": "anonymous",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "匿名时承办部门看不到反映人信息",
                "order": 2,
                "description": "是否匿名",
                "values": [{"key": "no", "name": "实名"}, {"key": "yes", "name": "匿名"}],
            },
            {
                "variable": False,
                "code": "time_limit",
                "datatype": "string",
                "required": False,
                "datatype_description": None,
                "order": 3,
                "description": f"办理时限：{amount} {'小时' if unit == 'hours' else '个工作日'}",
                "values": [],
            },
        ],
    }


def _kind(code: str) -> Kind:
    if code not in Kind.values:
        raise Open311Error(404, f"服务代码 {code} 不存在")
    return Kind(code)


@require_GET
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        fmt = _format(fmt)
    except Open311Error as e:
        return _error("json", e.status, e.description)
    return _respond(fmt, [service(k) for k in Kind], root="services", item="service")


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    try:
        fmt = _format(fmt)
        kind = _kind(code)
    except Open311Error as e:
        return _error(fmt if fmt in ("json", "xml") else "json", e.status, e.description)
    return _respond(fmt, definition(kind), root="service_definition", item=None)


# --- what is public ----------------------------------------------------------------------------


def public_kinds() -> frozenset[str]:
    """The ticket types the deployment publishes in the list (never 举报 or 求助)."""
    return frozenset(settings.OPEN311_PUBLIC_SERVICES) - NEVER_PUBLIC


def published(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.filter(kind__in=public_kinds(), anonymous=False)


def is_published(t: Ticket) -> bool:
    return t.kind in public_kinds() and not t.anonymous


def public_id(t: Ticket) -> str:
    """The ticket's unguessable Open311 id: its number signed with the site's key."""
    return signing.Signer(salt=ID_SALT, sep=".").sign(t.number)


def _number_of(public: str) -> str | None:
    try:
        return signing.Signer(salt=ID_SALT, sep=".").unsign(public)
    except signing.BadSignature:
        return None


def _reader(request: HttpRequest) -> User | None:
    """The system whose api_key came with the request (wrong keys count toward the throttle)."""
    raw = (request.POST if request.method == "POST" else request.GET).get("api_key", "")
    if not raw:
        return None
    try:
        user = user_for_token_from(ratelimit.client_address(request), raw, now=timezone.now())
    except RateLimited as e:
        raise Open311Error(429, e.message, e.retry_after) from e
    if user is None:
        raise Open311Error(403, "api_key 无效或已吊销")
    return user


def _own(t: Ticket, reader: User | None) -> bool:
    return (
        reader is not None
        and t.channel == Ticket.Channel.OPEN311
        and t.registered_by_id == reader.pk
    )


# --- requests ----------------------------------------------------------------------------------


def _status_notes(t: Ticket) -> str:
    if t.status == Ticket.Status.MERGED:
        return "已与同类诉求合并办理"
    note = t.get_status_display()
    if t.answer and t.status in ANSWER_GIVEN:
        note += f"：{_public_text(t, t.answer)}"
    return note


def _public_text(t: Ticket, text: str) -> str:
    return redact(text, names=[t.caller_name])[:4000]


def _public_address(t: Ticket) -> str | None:
    """The street or community, never the door: the region's name, or the redacted address."""
    if t.region is not None:
        return t.region.name
    return redact(t.address) or None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)


def request_out(
    t: Ticket,
    updated: datetime | None = None,
    rule: tuple[int, str, int] | None = None,
    *,
    full: bool = True,
) -> dict[str, Any]:
    """A ticket as Open311 publishes it; `full` False leaves out its text and place (a ticket
    that is not published, read with its id by someone other than the system that sent it)."""
    amount, unit, _ = rule or find_rule(t.kind, t.urgency)
    out: dict[str, Any] = {
        "service_request_id": public_id(t),
        "status": "open" if t.is_open else "closed",
        "status_notes": _status_notes(t) if full else t.get_status_display(),
        "service_name": t.get_kind_display(),
        "service_code": t.kind,
        "description": _public_text(t, t.content) if full else None,
        "agency_responsible": t.lead_department.name if t.lead_department else None,
        "service_notice": f"派单后 {amount} {'小时' if unit == 'hours' else '个工作日'}内答复",
        "requested_datetime": _stamp(t.registered_at),
        "updated_datetime": _stamp(updated or t.closed_at or t.registered_at),
        "expected_datetime": _stamp(t.due_at) if t.is_open else None,
        "address": _public_address(t) if full else None,
        "address_id": t.region.code if t.region and full else None,
        "zipcode": None,
        "lat": _rounded(t.lat) if full else None,
        "long": _rounded(t.long) if full else None,
        "media_url": None,
    }
    return out


def _rows(tickets: Iterable[Ticket], reader: User | None = None) -> list[dict[str, Any]]:
    tickets = list(tickets)
    updated = dict(
        Ticket.objects.filter(pk__in=[t.pk for t in tickets])
        .annotate(last=Max("events__at"))
        .values_list("pk", "last")
    )
    # one rule lookup per (type, urgency), not per ticket
    rules = {key: find_rule(*key) for key in {(t.kind, t.urgency) for t in tickets}}
    return [
        request_out(
            t,
            updated.get(t.pk),
            rules[(t.kind, t.urgency)],
            full=is_published(t) or _own(t, reader),
        )
        for t in tickets
    ]


def _date(value: str, name: str) -> datetime:
    moment = parse_datetime(value.replace(" ", "+")) if value else None
    if moment is None or moment.tzinfo is None:
        raise Open311Error(400, f"{name} 应为带时区的 W3C 时间，如 2026-03-01T00:00:00Z")
    return moment


def _tickets() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("lead_department", "region")


def _find(ids: list[str], reader: User | None) -> QuerySet[Ticket]:
    """Tickets by their public ids, and by their numbers for the system that created them."""
    numbers = [n for n in (_number_of(x) for x in ids) if n]
    found = Ticket.objects.filter(number__in=numbers)
    if reader is not None:
        found = found | Ticket.objects.filter(
            number__in=ids, channel=Ticket.Channel.OPEN311, registered_by=reader
        )
    return _tickets().filter(pk__in=found.values("pk"))


def _list(request: HttpRequest) -> list[dict[str, Any]]:
    reader = _reader(request)
    ids = [x.strip() for x in request.GET.get("service_request_id", "").split(",") if x.strip()]
    if ids:
        return _rows(_find(ids[:100], reader).order_by("pk"), reader)
    qs = published(_tickets())
    codes = [c for c in request.GET.get("service_code", "").split(",") if c.strip()]
    if codes:
        for code in codes:
            _kind(code)
        qs = qs.filter(kind__in=codes)
    now = timezone.now()
    end = _date(request.GET["end_date"], "end_date") if request.GET.get("end_date") else now
    start = (
        _date(request.GET["start_date"], "start_date")
        if request.GET.get("start_date")
        else end - MAX_RANGE
    )
    if end - start > MAX_RANGE:
        raise Open311Error(400, "start_date 与 end_date 相隔不能超过 90 天")
    qs = qs.filter(registered_at__gte=start, registered_at__lte=end)
    statuses = [s for s in request.GET.get("status", "").split(",") if s.strip()]
    if statuses:
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, "status 应为 open 或 closed")
        if statuses == ["open"]:
            qs = qs.filter(status__in=OPEN)
        elif statuses == ["closed"]:
            qs = qs.filter(status__in=CLOSED)
    return _rows(qs.order_by("-registered_at")[:1000], reader)


def _float(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise Open311Error(400, f"{name} 应为数字") from exc


def _create(request: HttpRequest) -> list[dict[str, Any]]:
    """A ticket registered by the system whose api_key came with it (and by no one else)."""
    post = request.POST
    user = _reader(request)
    if user is None:
        raise Open311Error(403, "api_key 无效或缺失")
    if not post.get("service_code", "").strip():
        raise Open311Error(400, "service_code 必填：请选择诉求类型")
    kind = _kind(post["service_code"].strip())
    description = post.get("description", "").strip()
    if not description:
        raise Open311Error(400, "description 必填：请描述诉求内容")
    lat, long = _float(post.get("lat", ""), "lat"), _float(post.get("long", ""), "long")
    address = post.get("address_string", "").strip()
    region_code = post.get("attribute[region_code]", "") or post.get("address_id", "")
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region_code and region is None:
        raise Open311Error(400, f"区划代码 {region_code} 不存在")
    if (lat is None or long is None) and not address and region is None:
        raise Open311Error(400, "请提供位置：lat 和 long，或 address_string，或 address_id")
    phone = post.get("phone", "").strip()
    name = f"{post.get('last_name', '')}{post.get('first_name', '')}".strip()
    data = NewTicket(
        kind=kind.value,
        content=description,
        channel=Ticket.Channel.OPEN311,
        caller_name=name,
        caller_phone=phone,
        anonymous=post.get("attribute[anonymous]") == "yes" or not phone,
        address=address,
        region=region,
        lat=lat,
        long=long,
    )
    found = router.suggest(router.ticket_text(description, address, region.name if region else ""))
    try:
        ticket = actions.register_ticket(
            data,
            actor=user,
            now=timezone.now(),
            suggestion=(found.department, found.confidence) if found else None,
        )
    except DomainError as e:
        raise Open311Error(400, f"{e.field}: {e.message}" if e.field else e.message) from e
    amount, unit, _ = find_rule(ticket.kind, ticket.urgency)
    return [
        {
            "service_request_id": public_id(ticket),
            "token": public_id(ticket),
            "service_notice": f"已受理，派单后 {amount} {'小时' if unit == 'hours' else '个工作日'}"
            f"内答复；查询码 {ticket.query_code}",
            "account_id": None,
        }
    ]


@csrf_exempt  # machine clients authenticate with api_key, not a session
@require_http_methods(["GET", "POST"])
def requests_(request: HttpRequest, fmt: str) -> HttpResponse:
    out = fmt if fmt in ("json", "xml") else "json"
    try:
        _format(fmt)
        rows = _create(request) if request.method == "POST" else _list(request)
    except Open311Error as e:
        return _failed(out, e)
    return _respond(out, rows, root="service_requests", item="request")


@require_GET
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    """One ticket by its public id (or by its number, for the system that created it)."""
    out = fmt if fmt in ("json", "xml") else "json"
    try:
        reader = _reader(request)
    except Open311Error as e:
        return _failed(out, e)
    ticket = _find([number], reader).first()
    if ticket is None:
        return _error(out, 404, "工单不存在")
    return _respond(out, _rows([ticket], reader), root="service_requests", item="request")


@require_GET
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    out = fmt if fmt in ("json", "xml") else "json"
    number = _number_of(token)
    if number is None:  # a token of the first version: the signed primary key
        try:
            pk = signing.loads(token, salt=TOKEN_SALT)
        except signing.BadSignature:
            return _error(out, 404, "token 无效")
        number = Ticket.objects.filter(pk=pk).values_list("number", flat=True).first()
    ticket = Ticket.objects.filter(number=number).first() if number else None
    if ticket is None:
        return _error(out, 404, "token 无效")
    return _respond(
        out,
        [{"service_request_id": public_id(ticket), "token": token}],
        root="service_requests",
        item="request",
    )


# --- discovery ---------------------------------------------------------------------------------


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """GeoReport v2 service discovery: where the endpoint is and which formats it speaks."""
    base = request.build_absolute_uri(reverse("open311:services", args=["json"]))
    changeset = "2026-03-01T00:00:00+08:00"
    endpoint: dict[str, Any] = {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": base.removesuffix("/services.json"),
        "changeset": changeset,
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }
    data: dict[str, Any] = {
        "changeset": changeset,
        "contact": f"12345政务服务便民热线（{settings.ONESTOP_CENTRE_NAME}）",
        "key_service": "接口密钥（api_key）由区政务服务中心管理员签发，请向中心申请",
        "endpoints": [endpoint],
    }
    if fmt == "xml":
        top = ET.Element("discovery")
        for key in ("changeset", "contact", "key_service"):
            ET.SubElement(top, key).text = str(data[key])
        endpoints = ET.SubElement(top, "endpoints")
        node = ET.SubElement(endpoints, "endpoint")
        for key in ("specification", "url", "changeset", "type"):
            ET.SubElement(node, key).text = endpoint[key]
        formats = ET.SubElement(node, "formats")
        for f in endpoint["formats"]:
            ET.SubElement(formats, "format").text = f
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
