"""The whole demo deployment in one transaction: the district's organisation (demo.org), then
each app's demo data built through its real actions (demo.cases, demo.hall, ...).

Idempotent: a second run changes nothing (every loader matches on natural keys or request keys).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.db import transaction

from onestop.demo import cases, fees, hall, hotline, parallel, supervision, trading
from onestop.demo.org import (
    DATA_DIR,
    Counts,
    demo_password_hash,
    load_applicants,
    load_centres,
    load_department_staff,
    load_departments,
    load_items,
    load_pending_claim,
    load_regions,
    load_staff,
    record_demo_proofs,
)


def _count(counts: Counts, kind: str, created: int) -> None:
    if created:
        counts.created[kind] = created


@transaction.atomic
def load_demo(*, now: datetime, data_dir: Path = DATA_DIR, history: bool = True) -> Counts:
    """Everything the demo shows; `history` adds the past year of finished cases (the
    supervision dashboard's trends), which tests that do not look at them leave out."""
    counts = Counts()
    regions = load_regions(counts, data_dir)
    depts = load_departments(counts, regions, data_dir)
    centres = load_centres(counts, regions, depts, data_dir)
    load_staff(counts, regions, depts, centres, data_dir)
    load_department_staff(counts, regions, depts, data_dir)
    load_applicants(counts, regions, data_dir)
    load_items(counts, now=now, data_dir=data_dir)
    _count(counts, "收费规则", fees.load_demo_fee_rules(data_dir))
    _count(counts, "办件", cases.load_demo_cases(now=now, history=history))
    password_hash = demo_password_hash()
    _count(counts, "并联审批受理", parallel.load_parallel(now=now, password_hash=password_hash))
    _count(counts, "大厅排队与预约", hall.load_demo_hall(now=now))
    counts.created.update(hotline.load_hotline_demo(now=now))
    _count(
        counts,
        "公共资源交易与中介超市",
        trading.load_demo_trading(now=now, password_hash=password_hash),
    )
    _count(counts, "自动亮牌规则", supervision.load_demo_rules(now=now))
    record_demo_proofs(counts)
    load_pending_claim(counts, now=now)
    return counts
