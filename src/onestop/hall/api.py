"""The hall's JSON API: the public board for LED screens and the bookable slots, and for
signed-in clerks (session or bearer token, e.g. a window's hardware caller) the calling moves;
overseers read the figures. Parse → scoped fetch → one action → JSON.

Mounted at /api/v1/hall. Domain errors are `{"code", "message", "field"}` with 403/409/422,
out-of-scope ids 404.

No `from __future__ import annotations` here: ninja resolves the annotations of the wrapped
views at import time.
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from onestop.apitokens.auth import API_AUTH, api_user
from onestop.apitokens.errors import ERRORS, domain_errors
from onestop.catalog.queries import live_items
from onestop.hall import actions, booking, figures, queries
from onestop.hall.models import Ticket
from onestop.org.models import Centre
from onestop.org.oversight import oversight_region
from onestop.workdays.calendar import local_date

router = Router(tags=["hall"])


class CallOut(Schema):
    number: str = Field(description="排队号")
    window: str = Field(description="窗口号")
    window_name: str
    zone: str
    at: dt.datetime
    recalled: bool


class WaitingOut(Schema):
    zone: str
    waiting: int


class BoardOut(Schema):
    centre: str
    calls: list[CallOut] = Field(description="今日最近的叫号，最新在前")
    waiting: list[WaitingOut]


@router.get(
    "/centres/{key}/board",
    response={200: BoardOut, **ERRORS},
    auth=None,
    summary="大厅叫号屏数据",
)
@domain_errors
def board(request: HttpRequest, key: str) -> Any:
    centre = Centre.objects.filter(key=key).first()
    if centre is None:
        raise Http404("服务中心不存在")
    now = timezone.now()
    return BoardOut(
        centre=centre.name,
        calls=[
            CallOut(
                number=r.number,
                window=r.window_number,
                window_name=r.window_name,
                zone=r.zone,
                at=r.at,
                recalled=r.recalled,
            )
            for r in queries.board(centre, now)
        ],
        waiting=[WaitingOut(zone=z, waiting=n) for z, n in queries.waiting_by_zone(centre, now)],
    )


class SlotsIn(Schema):
    centre: str = Field(max_length=60, description="服务中心标识，如 xq_zwfwzx")
    item: str = Field(max_length=60, description="事项编码")


class SlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    free: int = Field(description="剩余可预约人数")


class DayOut(Schema):
    day: dt.date
    slots: list[SlotOut]


@router.get(
    "/slots",
    response={200: list[DayOut], **ERRORS},
    auth=None,
    summary="某中心某事项可预约的时段（按工作日历和窗口工作时间）",
)
@domain_errors
def slots(request: HttpRequest, params: Query[SlotsIn]) -> Any:
    centre = Centre.objects.filter(key=params.centre).first()
    item = live_items().filter(code=params.item).first()
    if centre is None or item is None:
        raise Http404("服务中心或事项不存在")
    days = booking.available_slots(centre, item, now=timezone.now())
    return [
        DayOut(
            day=day,
            slots=[SlotOut(starts_at=s.starts_at, ends_at=s.ends_at, free=s.free) for s in rows],
        )
        for day, rows in days.items()
    ]


class TicketOut(Schema):
    id: int
    number: str
    status: str
    category: str
    zone: str
    window: str | None
    taken_at: dt.datetime
    called_at: dt.datetime | None
    wait_minutes: int | None
    case_number: str | None


def _ticket_out(t: Ticket) -> TicketOut:
    return TicketOut(
        id=t.pk,
        number=t.number,
        status=t.status,
        category=t.category,
        zone=t.zone.name,
        window=t.window.number if t.window else None,
        taken_at=t.taken_at,
        called_at=t.called_at,
        wait_minutes=t.wait_minutes,
        case_number=t.case.number if t.case else None,
    )


class CalledOut(Schema):
    ticket: TicketOut | None = Field(description="叫到的号；无人等候时为空")


@router.post(
    "/windows/{window_id}/call",
    response={200: CalledOut, **ERRORS},
    auth=API_AUTH,
    summary="窗口叫下一个号（正在办理的号记为办理完毕）",
)
@domain_errors
def call(request: HttpRequest, window_id: int) -> Any:
    user = api_user(request)
    window = queries.get_my_window(user, str(window_id))
    ticket = actions.call_next(window, actor=user, now=timezone.now())
    return CalledOut(ticket=_ticket_out(ticket) if ticket else None)


@router.post(
    "/tickets/{ticket_id}/{move}",
    response={200: TicketOut, **ERRORS},
    auth=API_AUTH,
    summary="对本窗口的号：recall 重呼 / serve 开始办理 / finish 办理完毕 / no_show 过号",
)
@domain_errors
def move(request: HttpRequest, ticket_id: int, move: str) -> Any:
    user = api_user(request)
    if move not in actions.WINDOW_MOVES:
        raise Http404("没有这个操作")
    ticket = queries.get_window_ticket(user, ticket_id)
    return _ticket_out(actions.WINDOW_MOVES[move](ticket, actor=user, now=timezone.now()))


class FiguresIn(Schema):
    day_from: dt.date | None = Field(None, alias="from", description="开始日期，缺省为今天")
    day_to: dt.date | None = Field(None, alias="to", description="结束日期，缺省同开始日期")


class RowOut(Schema):
    name: str
    taken: int
    avg_wait: float | None = Field(description="平均等候（分钟）")
    p90_wait: float | None = Field(description="90% 等候（分钟）")
    avg_service: float | None = Field(description="平均办理（分钟）")
    no_shows: int
    abandoned: int
    waiting: int
    light: str = Field(description="green / yellow / red")


class FiguresOut(Schema):
    day_from: dt.date
    day_to: dt.date
    yellow_minutes: int
    red_minutes: int
    total: RowOut
    zones: list[RowOut]
    windows: list[RowOut]
    hours: list[RowOut]


def _row(r: figures.Row) -> RowOut:
    def rounded(v: float | None) -> float | None:
        return None if v is None else round(v, 1)

    return RowOut(
        name=r.name,
        taken=r.taken,
        avg_wait=rounded(r.avg_wait),
        p90_wait=rounded(r.p90_wait),
        avg_service=rounded(r.avg_service),
        no_shows=r.no_shows,
        abandoned=r.abandoned,
        waiting=r.waiting,
        light=r.light,
    )


@router.get(
    "/figures",
    response={200: FiguresOut, **ERRORS},
    auth=API_AUTH,
    summary="排队统计：按功能区、窗口、时段（效能监察员、中心管理员）",
)
@domain_errors
def figures_view(request: HttpRequest, params: Query[FiguresIn]) -> Any:
    user = api_user(request)
    region = oversight_region(user)
    now = timezone.now()
    day_from, day_to = figures.span(params.day_from or local_date(now), params.day_to)
    fig = figures.hall_figures(region, day_from, day_to, now=now)
    return FiguresOut(
        day_from=day_from,
        day_to=day_to,
        yellow_minutes=fig.yellow,
        red_minutes=fig.red,
        total=_row(fig.total),
        zones=[_row(r) for r in fig.zones],
        windows=[_row(r) for r in fig.windows],
        hours=[_row(r) for r in fig.hours],
    )
