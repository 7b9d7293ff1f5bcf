"""Walks a tender to later stages with the real actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from onestop.trading import actions
from onestop.trading.models import Bid, Project

RFC = ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]


def draw_committee(project: Project, officer, at: datetime) -> Project:  # type: ignore[no-untyped-def]
    actions.freeze_committee_draw(
        project,
        size=5,
        experts=5,
        draw_at=at + timedelta(hours=1),
        randomness="福彩3D第2026321期开奖号码",
        actor=officer,
        now=at,
    )
    project.refresh_from_db()
    actions.draw_committee(project, sources=RFC, actor=officer, now=at + timedelta(hours=1))
    project.refresh_from_db()
    return project


def evaluate(project: Project, officer, at: datetime) -> Project:  # type: ignore[no-untyped-def]
    bids = list(project.bids.filter(status=Bid.Status.OPENED).order_by("price"))
    scores = {b.pk: (Decimal(90 - i), "") for i, b in enumerate(bids)}
    return actions.report_evaluation(project, scores=scores, actor=officer, now=at)


def to_publicity(project: Project, officer) -> Project:  # type: ignore[no-untyped-def]
    at = (project.opened_at or project.bid_deadline) + timedelta(hours=2)  # type: ignore[operator]
    project = draw_committee(project, officer, at)
    project = evaluate(project, officer, at + timedelta(hours=3))
    return actions.publish_candidates(project, days=3, actor=officer, now=at + timedelta(days=1))
