"""Open data: every public project as OCDS 1.1 releases (tender, award, contract), in one
release package. Committee members are never part of it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from onestop.org.models import Applicant
from onestop.trading import queries
from onestop.trading.models import Bid, Kind, Project
from onestop.trading.workflow import PROJECT

S = Project.Status
CATEGORY = {
    Kind.CONSTRUCTION: "works",
    Kind.PROCUREMENT: "goods",
}
METHOD = {
    Project.Method.OPEN: "open",
    Project.Method.INVITED: "selective",
    Project.Method.AUCTION: "open",
    Project.Method.LISTING: "open",
}
TENDER_STATUS = {
    S.TENDERING: "active",
    S.EVALUATING: "active",
    S.PUBLICITY: "active",
    S.SUSPENDED: "active",
    S.AWARDED: "complete",
    S.CONTRACTED: "complete",
    S.FAILED: "unsuccessful",
    S.CANCELLED: "cancelled",
}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _money(amount: Decimal) -> dict[str, Any]:
    return {"amount": float(amount), "currency": "CNY"}


def _party_id(a: Applicant) -> str:
    return f"CN-USCC-{a.credit_code}" if a.credit_code else f"onestop-applicant-{a.pk}"


def _party(a: Applicant, roles: list[str]) -> dict[str, Any]:
    party: dict[str, Any] = {"id": _party_id(a), "name": a.name, "roles": roles}
    if a.credit_code:
        party["identifier"] = {"scheme": "CN-USCC", "id": a.credit_code, "legalName": a.name}
    return party


def _ref(a: Applicant) -> dict[str, str]:
    return {"id": _party_id(a), "name": a.name}


def _tender(project: Project, tenderers: list[Bid]) -> dict[str, Any]:
    tender: dict[str, Any] = {
        "id": f"{project.code}-tender",
        "title": project.title,
        "description": project.description or project.title,
        "status": TENDER_STATUS.get(S(project.status), "active"),
        "value": _money(project.budget),
        "procurementMethod": METHOD[Project.Method(project.method)],
        "procurementMethodDetails": project.get_method_display(),
        "procuringEntity": _ref(project.owner),
        "eligibilityCriteria": project.qualification,
    }
    category = CATEGORY.get(Kind(project.kind))
    if category:
        tender["mainProcurementCategory"] = category
    if project.documents_issued_at and project.bid_deadline:
        tender["tenderPeriod"] = {
            "startDate": _iso(project.documents_issued_at),
            "endDate": _iso(project.bid_deadline),
        }
    lots = list(project.lots.all())
    if lots:
        tender["lots"] = [
            {"id": str(lot.number), "title": lot.name, "value": _money(lot.budget)} for lot in lots
        ]
    if project.opened_at is not None:
        tender["numberOfTenderers"] = len({b.bidder_id for b in tenderers})
        tender["tenderers"] = [_ref(b.bidder) for b in tenderers]
    return tender


def project_releases(project: Project) -> list[dict[str, Any]]:
    """The releases of one project: one per stage it has reached."""
    prefix = settings.OCDS_OCID_PREFIX
    ocid = f"{prefix}-{project.code}"
    tenderers = queries.opening_record(project, AnonymousUser())
    parties: dict[str, dict[str, Any]] = {
        _party_id(project.owner): _party(project.owner, ["buyer", "procuringEntity"])
    }
    for b in tenderers:
        parties.setdefault(_party_id(b.bidder), _party(b.bidder, ["tenderer"]))
    base: dict[str, Any] = {
        "ocid": ocid,
        "initiationType": "tender",
        "language": "zh",
        "buyer": _ref(project.owner),
    }
    tender = _tender(project, tenderers)
    assert project.documents_issued_at is not None  # noqa: S101 - public projects are announced
    releases = [
        {
            **base,
            "id": f"{project.code}-tender",
            "date": _iso(project.documents_issued_at),
            "tag": ["tender"],
            "parties": list(parties.values()),
            "tender": tender,
        }
    ]
    if PROJECT.is_in(project.status, "UNAWARDED"):
        releases.append(
            {
                **base,
                "id": f"{project.code}-{project.status}",
                "date": _iso(project.opened_at or project.documents_issued_at),
                "tag": ["tenderUpdate"],
                "parties": list(parties.values()),
                "tender": {**tender, "statusDetails": project.closed_reason},
            }
        )
    winner = project.winner
    if winner is not None and project.awarded_at is not None:
        parties[_party_id(winner.bidder)]["roles"] = ["tenderer", "supplier"]
        award = {
            "id": f"{project.code}-award",
            "status": "active",
            "date": _iso(project.awarded_at),
            "value": _money(winner.price or Decimal(0)),
            "suppliers": [_ref(winner.bidder)],
        }
        releases.append(
            {
                **base,
                "id": f"{project.code}-award",
                "date": _iso(project.awarded_at),
                "tag": ["award"],
                "parties": list(parties.values()),
                "tender": tender,
                "awards": [award],
            }
        )
        if project.contract_signed_on and project.contract_amount is not None:
            releases.append(
                {
                    **base,
                    "id": f"{project.code}-contract",
                    "date": _iso(project.awarded_at),
                    "tag": ["contract"],
                    "parties": list(parties.values()),
                    "tender": tender,
                    "awards": [award],
                    "contracts": [
                        {
                            "id": f"{project.code}-contract",
                            "awardID": award["id"],
                            "title": project.title,
                            "status": "active",
                            "value": _money(project.contract_amount),
                            "dateSigned": project.contract_signed_on.isoformat()
                            + "T00:00:00+08:00",
                        }
                    ],
                }
            )
    return releases


def release_package(*, now: datetime, uri: str) -> dict[str, Any]:
    releases: list[dict[str, Any]] = []
    for project in queries.public_projects().prefetch_related("lots").order_by("pk"):
        releases.extend(project_releases(project))
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": _iso(now),
        "publisher": {"name": settings.OCDS_PUBLISHER},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "publicationPolicy": uri.rsplit("/api/", 1)[0] + "/trading/",
        "releases": releases,
    }
