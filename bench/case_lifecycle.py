"""Complete cases through the service layer, beside a raw-SQL loop doing the same writes.

    .venv/bin/python bench/case_lifecycle.py --cases 300 --db sqlite
    .venv/bin/python bench/case_lifecycle.py --cases 300 --db postgres

Each case: create (window), check materials, accept (review + two co-department opinion tasks),
review, two opinions, decide (grant), issue the certificate, complete, deliver. The raw loop
writes the same rows (case, materials, tasks, HMAC-chained events, certificate) with plain SQL in
one transaction per move, as the service layer does. The last line reads
`cases/s=… transitions/s=… raw_cases/s=… ratio=…`.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def configure(db: str) -> str:
    """Point Django at a fresh throw-away database; returns a label."""
    os.environ["ONESTOP_TESTING"] = "true"
    os.environ["AXES_ENABLED"] = "false"
    if db == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite {path}"
    name = f"onestop_bench_{os.getpid()}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    return f"PostgreSQL {name}"


def drop(db: str) -> None:
    if db == "postgres":
        from django.db import connections

        connections.close_all()
        name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", name], check=False)


def setup_world():  # type: ignore[no-untyped-def]
    """A district, three departments, staff, an applicant and an item with two co-departments."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from onestop.catalog.actions import ensure_life_events, upsert_item
    from onestop.org.models import (
        Applicant,
        Centre,
        Department,
        Region,
        Role,
        StaffRole,
    )

    district = Region.objects.create(code="510403000000", name="西区", level="district")
    centre = Centre.objects.create(
        key="xq", name="西区政务服务中心", region=district, level="district"
    )
    depts = [
        Department.objects.create(key=k, name=n, short_name=n, kind="district", region=district)
        for k, n in [("scjgj", "区市场监管局"), ("wjj", "区卫生健康局"), ("zjj", "区住建局")]
    ]

    def staff(username: str, role: str, dept: Department) -> User:
        user = User.objects.create_user(username=username)
        StaffRole.objects.create(user=user, role=role, department=dept, region=district)
        return user

    people = {
        "clerk": staff("clerk", Role.CLERK, depts[0]),
        "reviewer": staff("reviewer", Role.REVIEWER, depts[0]),
        "approver": staff("approver", Role.APPROVER, depts[0]),
        "co1": staff("co1", Role.REVIEWER, depts[1]),
        "co2": staff("co2", Role.REVIEWER, depts[2]),
    }
    user = User.objects.create_user(username="zhangmin")
    applicant = Applicant.objects.create(
        user=user, kind="person", name="张敏", id_number="11010519491231002X", phone="13881234567"
    )
    ensure_life_events()
    item, _ = upsert_item(
        {
            "code": "511A0000-BENCH",
            "name": "公共场所卫生许可",
            "category": "行政许可",
            "department": "scjgj",
            "co_departments": ["wjj", "zjj"],
            "legal_basis": "《公共场所卫生管理条例》第八条",
            "statutory_limit": 20,
            "promised_limit": 10,
            "kind": "promised",
            "fees": "不收费",
            "levels": ["district"],
            "online_depth": 3,
            "themes": ["enterprise"],
            "life_events": [],
            "on_site_visits": 1,
            "materials": [
                {
                    "name": "申请书",
                    "required": True,
                    "form": "original",
                    "count": 1,
                    "tolerance": False,
                    "note": "",
                },
                {
                    "name": "营业执照",
                    "required": True,
                    "form": "copy",
                    "count": 1,
                    "tolerance": False,
                    "note": "",
                },
            ],
            "form": [],
            "steps": [
                {"name": "受理", "role": "clerk", "days": 1},
                {"name": "审核", "role": "reviewer", "days": 5},
                {"name": "决定", "role": "approver", "days": 2},
            ],
        },
        actor=None,
        now=timezone.now(),
    )
    return item, applicant, centre, people


def run_service(n: int, world, start: datetime) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from onestop.cases import actions
    from onestop.cases.models import CaseEvent, Task
    from onestop.documents.actions import issue_certificate

    item, applicant, centre, p = world
    events_before = CaseEvent.objects.count()
    t0 = time.perf_counter()
    for i in range(n):
        now = start + timedelta(seconds=i)
        case = actions.create_case(
            actions.NewCase(
                item=item, applicant=applicant, channel="window", centre=centre, form_data={}
            ),
            actor=p["clerk"],
            now=now,
        )
        actions.record_materials_checked(case, ["申请书", "营业执照"], actor=p["clerk"], now=now)
        actions.accept_case(case, actor=p["clerk"], now=now)
        tasks = {
            (t.kind, t.department.key): t
            for t in Task.objects.filter(case=case).select_related("department")
        }
        actions.submit_review(
            tasks[("review", "scjgj")],
            actor=p["reviewer"],
            now=now,
            recommend_grant=True,
            opinion="符合条件",
        )
        actions.give_opinion(
            tasks[("opinion", "wjj")], actor=p["co1"], now=now, agree=True, opinion="同意"
        )
        actions.give_opinion(
            tasks[("opinion", "zjj")], actor=p["co2"], now=now, agree=True, opinion="同意"
        )
        decide = Task.objects.get(case=case, kind="decide")
        actions.decide_case(decide, actor=p["approver"], now=now, grant=True)
        issue_certificate(case, actor=p["clerk"], now=now)
        actions.complete_case(case, actor=p["clerk"], now=now)
        actions.deliver_case(case, actor=p["clerk"], now=now)
    elapsed = time.perf_counter() - t0
    return elapsed, CaseEvent.objects.count() - events_before


def run_raw(n: int, world, start: datetime, postgres: bool) -> float:  # type: ignore[no-untyped-def]
    """The same rows written with plain SQL: per move one transaction that locks the case row
    (reading the chain head), writes the move's rows, appends the HMAC-chained event and updates
    the case (status and chain head) in one UPDATE — as the service layer does."""
    from django.conf import settings
    from django.db import connection, transaction

    from onestop.cases.audit import key_id_of

    item, applicant, centre, p = world
    lock = " FOR UPDATE" if postgres else ""
    key, key_id = settings.AUDIT_CHAIN_KEY.encode(), key_id_of(settings.AUDIT_CHAIN_KEY)
    with connection.cursor() as c:
        c.execute("SELECT key, id FROM org_department")
        dept = dict(c.fetchall())

    def move(
        case_id: int,
        number: str,
        kind: str,
        actor: int,
        at: datetime,
        status: str,
        data: dict,
        writes: list[tuple[str, list]],
    ) -> None:
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                f"SELECT event_seq, event_hash FROM cases_case WHERE id = %s{lock}",  # noqa: S608
                [case_id],
            )
            seq, prev = c.fetchone()
            for sql, params in writes:
                c.execute(sql, params)
            seq += 1
            content = json.dumps(
                {
                    "case": number,
                    "seq": seq,
                    "kind": kind,
                    "actor": actor,
                    "at": at.isoformat(),
                    "status": status,
                    "data": data,
                    "key": "",
                },
                sort_keys=True,
                ensure_ascii=False,
                separators=(",", ":"),
            )
            digest = hmac.new(
                key, f"hmac-sha256:{key_id}:{prev}{content}".encode(), hashlib.sha256
            ).hexdigest()
            c.execute(
                "INSERT INTO cases_caseevent (case_id, seq, kind, actor_id, at, status_after,"
                " data, key, prev_hash, alg, key_id, hash)"
                " VALUES (%s,%s,%s,%s,%s,%s,%s,'',%s,'hmac-sha256',%s,%s)",
                [case_id, seq, kind, actor, at, status, json.dumps(data), prev, key_id, digest],
            )
            c.execute(
                "UPDATE cases_case SET status=%s, event_seq=%s, event_hash=%s WHERE id=%s",
                [status, seq, digest, case_id],
            )

    new_task = (
        "INSERT INTO cases_task (case_id, kind, department_id, role, status, created_at, due_at,"
        " outcome, opinion) VALUES (%s,%s,%s,%s,'open',%s,%s,'','')"
    )
    done = "UPDATE cases_task SET status='done', assignee_id=%s, done_at=%s, outcome=%s"
    t0 = time.perf_counter()
    for i in range(n):
        now = start + timedelta(seconds=i)
        number = f"RAW-{i:06d}"
        clerk, reviewer, approver = p["clerk"].pk, p["reviewer"].pk, p["approver"].pk
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                "INSERT INTO cases_case (number, query_code, item_id, department_id,"
                " applicant_id, channel, filed_by_id, centre_id, region_id, status,"
                " resume_status, form_data, created_at, limit_days, extension_days,"
                " due_provisional, halved, event_seq, event_hash) VALUES (%s,'ABCDEFGH',%s,%s,"
                "%s,'window',%s,%s,%s,'draft','','{}',%s,0,0,%s,%s,0,%s) RETURNING id",
                [
                    number,
                    item.pk,
                    dept["scjgj"],
                    applicant.pk,
                    clerk,
                    centre.pk,
                    centre.region_id,
                    now,
                    False,
                    False,
                    "0" * 64,
                ],
            )
            case_id = c.fetchone()[0]
            for order, name in enumerate(["申请书", "营业执照"]):
                c.execute(
                    "INSERT INTO cases_casematerial (case_id, name, required, tolerance,"
                    " \"order\", state, note) VALUES (%s,%s,%s,%s,%s,'missing','')",
                    [case_id, name, True, False, order],
                )
        move(case_id, number, "created", clerk, now, "draft", {}, [])
        move(
            case_id,
            number,
            "materials_checked",
            clerk,
            now,
            "draft",
            {},
            [("UPDATE cases_casematerial SET state='provided' WHERE case_id=%s", [case_id])],
        )
        tasks = [
            (
                "INSERT INTO cases_task (case_id, kind, department_id, role, status, created_at,"
                " due_at, outcome, opinion) VALUES (%s,%s,%s,'reviewer','open',%s,%s,'','')",
                [case_id, kind, dept[d], now, now],
            )
            for kind, d in [("review", "scjgj"), ("opinion", "wjj"), ("opinion", "zjj")]
        ]
        move(
            case_id,
            number,
            "accepted",
            clerk,
            now,
            "accepted",
            {},
            [
                (
                    "UPDATE cases_case SET accepted_at=%s, received_at=%s, limit_days=10, due_at=%s"
                    " WHERE id=%s",
                    [now, now, now, case_id],
                ),
                *tasks,
            ],
        )
        move(
            case_id,
            number,
            "reviewed",
            reviewer,
            now,
            "under_decision",
            {"opinion": "同意"},
            [
                (
                    done + ", opinion='同意' WHERE case_id=%s AND kind='review'",
                    [reviewer, now, "grant", case_id],
                ),
                (new_task, [case_id, "decide", dept["scjgj"], "approver", now, now]),
            ],
        )
        for d, actor in [("wjj", p["co1"].pk), ("zjj", p["co2"].pk)]:
            move(
                case_id,
                number,
                "opinion_given",
                actor,
                now,
                "under_decision",
                {"opinion": "同意"},
                [
                    (
                        "UPDATE cases_task SET status='done', assignee_id=%s, done_at=%s,"
                        " outcome='agree', opinion='同意' WHERE case_id=%s AND kind='opinion' AND"
                        " department_id=%s",
                        [actor, now, case_id, dept[d]],
                    )
                ],
            )
        move(
            case_id,
            number,
            "granted",
            approver,
            now,
            "granted",
            {},
            [
                (
                    done + " WHERE case_id=%s AND kind='decide'",
                    [approver, now, "grant", case_id],
                ),
                (
                    "UPDATE cases_case SET decided_at=%s, certificate_due_at=%s WHERE id=%s",
                    [now, now, case_id],
                ),
                (new_task, [case_id, "certificate", dept["scjgj"], "clerk", now, now]),
            ],
        )
        move(
            case_id,
            number,
            "certificate_issued",
            clerk,
            now,
            "granted",
            {},
            [
                (
                    "UPDATE cases_task SET status='done', done_at=%s WHERE case_id=%s AND"
                    " kind='certificate'",
                    [now, case_id],
                )
            ],
        )
        move(
            case_id,
            number,
            "completed",
            clerk,
            now,
            "completed",
            {},
            [("UPDATE cases_case SET completed_at=%s WHERE id=%s", [now, case_id])],
        )
        move(
            case_id,
            number,
            "delivered",
            clerk,
            now,
            "delivered",
            {},
            [("UPDATE cases_case SET delivered_at=%s WHERE id=%s", [now, case_id])],
        )
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    label = configure(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        world = setup_world()
        start = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
        service_s, transitions = run_service(args.cases, world, start)
        raw_s = run_raw(args.cases, world, start, postgres=args.db == "postgres")
        from onestop.cases.audit import verify_cases
        from onestop.cases.models import Case

        service_cases = Case.objects.exclude(number__startswith="RAW-")
        assert not verify_cases(service_cases), "service-layer chains must verify"
        cps, tps, raw_cps = args.cases / service_s, transitions / service_s, args.cases / raw_s
        print(f"database: {label}")
        print(
            f"service layer: {args.cases} cases, {transitions} audited transitions in "
            f"{service_s:.2f} s"
        )
        print(f"raw SQL:       {args.cases} cases in {raw_s:.2f} s")
        print(
            f"cases/s={cps:.1f} transitions/s={tps:.1f} raw_cases/s={raw_cps:.1f} "
            f"ratio={cps / raw_cps:.2f}"
        )
    finally:
        drop(args.db)


if __name__ == "__main__":
    main()
