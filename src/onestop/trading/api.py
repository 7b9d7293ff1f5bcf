"""Public trading API: the OCDS 1.1 release package and the public projects.

No `from __future__ import annotations` here: ninja resolves the annotations at import time.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Router, Schema

from onestop.apitokens.errors import ErrorOut, domain_errors
from onestop.trading import ocds, queries

router = Router(tags=["trading"])


@router.get("/ocds.json", auth=None, summary="OCDS 1.1 release package of every public project")
def ocds_package(request: HttpRequest) -> JsonResponse:
    package = ocds.release_package(now=timezone.now(), uri=request.build_absolute_uri())
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})


class ProjectOut(Schema):
    id: int
    code: str
    title: str
    kind: str
    status: str
    owner: str
    budget: Decimal
    bid_deadline: dt.datetime | None
    opened_at: dt.datetime | None
    winner: str | None
    award_price: Decimal | None


def _out(p: Any) -> ProjectOut:
    return ProjectOut(
        id=p.pk,
        code=p.code,
        title=p.title,
        kind=p.kind,
        status=p.status,
        owner=p.owner.name,
        budget=p.budget,
        bid_deadline=p.bid_deadline,
        opened_at=p.opened_at,
        winner=p.winner.bidder.name if p.winner_id else None,
        award_price=p.winner.price if p.winner_id else None,
    )


@router.get("/projects", auth=None, response=list[ProjectOut], summary="公开的交易项目")
def project_list(request: HttpRequest) -> list[ProjectOut]:
    return [_out(p) for p in queries.public_projects().select_related("winner__bidder")[:500]]


@router.get(
    "/projects/{int:pk}",
    auth=None,
    response={200: ProjectOut, 404: ErrorOut},
    summary="一个公开的交易项目",
)
@domain_errors
def project_detail(request: HttpRequest, pk: int) -> ProjectOut:
    return _out(queries.get_public_project(pk))
