"""Crashes under load: a web node killed with SIGKILL, PostgreSQL stopped abruptly.

Two gunicorn nodes serve a private PostgreSQL cluster (initdb into a temporary directory, so the
machine's shared cluster is never stopped); client threads drive cases and hotline tickets
through the API, retrying each write with its Idempotency-Key until it is answered. Afterwards
every write that was answered with success is in the database exactly once, every flow reached
its end, and `manage.py check_invariants` passes (no case half-moved, chains intact).
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from onestop.cases import actions
from onestop.catalog.models import ServiceItem
from onestop.org.models import Applicant, Centre
from tests.faults.harness import (
    PG_BIN,
    ROOT,
    Outcome,
    Personas,
    PrivatePostgres,
    WebNode,
    build_world,
    free_port,
    node_env,
    run_case,
    run_threads,
    run_ticket,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THREADS = 4
CASES_PER_THREAD = 2
TICKET_WRITES = {"register", "dispatch"}


@pytest.fixture
def private_db(tmp_path: Path) -> Iterator[Callable[[], tuple[PrivatePostgres, str]]]:
    """Copy the test database, as it is when called, into a private cluster."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: run with DATABASE_URL=postgres://… (.ci/run's PostgreSQL pass does)"
        )
    why = PrivatePostgres.available()
    if why:
        pytest.skip(why)
    clusters: list[PrivatePostgres] = []

    def copy() -> tuple[PrivatePostgres, str]:
        cluster = PrivatePostgres()
        clusters.append(cluster)
        cluster.start()
        name = f"onestop_crash_{uuid.uuid4().hex[:8]}"
        s = connection.settings_dict
        source = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432)]
        target = ["-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
        subprocess.run([PG_BIN / "createdb", *target, name], check=True)  # noqa: S603
        dump = subprocess.run(  # noqa: S603
            [PG_BIN / "pg_dump", "--no-owner", *source, "-U", s["USER"] or "postgres", s["NAME"]],
            check=True,
            capture_output=True,
        )
        subprocess.run(  # noqa: S603
            [PG_BIN / "psql", "-q", "-v", "ON_ERROR_STOP=1", *target, name],
            input=dump.stdout,
            check=True,
            capture_output=True,
        )
        return cluster, f"{cluster.url}/{name}"

    try:
        yield copy
    finally:
        for cluster in clusters:
            cluster.destroy()


def web_nodes(url: str, tmp_path: Path) -> list[WebNode]:
    env = node_env(url, tmp_path / "var", DB_CONN_MAX_AGE="0")
    nodes = [WebNode(free_port(), env, tmp_path / f"web{i}.log", workers=1) for i in range(2)]
    for node in nodes:
        node.spawn()
    for node in nodes:
        node.wait_ready()
    return nodes


class Load:
    """Client threads, each with its own personas, driving cases and a ticket to their end."""

    def __init__(self, nodes: list[str], world: dict[str, Any]) -> None:
        self.run = uuid.uuid4().hex[:6]
        self.personas = [Personas.over(nodes, world) for _ in range(THREADS)]
        self.world = world
        self.case_ids: list[int] = []
        self.ticket_ids: list[int] = []

    def answered(self) -> int:
        return sum(len(c.log) for p in self.personas for c in p.clients())

    def wait_for(self, count: int, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while self.answered() < count and time.monotonic() < end:
            time.sleep(0.05)

    def job(self, i: int) -> Callable[[], None]:
        def work() -> None:
            p = self.personas[i]
            for n in range(CASES_PER_THREAD):
                self.case_ids.append(run_case(p, self.world, f"{self.run}-{i}-{n}"))
            self.ticket_ids.append(run_ticket(p, self.world, f"{self.run}-{i}-t"))

        return work

    def drive(self, chaos: Callable[[], None]) -> None:
        errors = run_threads([self.job(i) for i in range(THREADS)] + [chaos])
        assert errors == []

    def outcomes(self) -> list[Any]:
        return [o for p in self.personas for c in p.clients() for o in c.log]

    def retried(self) -> int:
        return sum(c.failures for p in self.personas for c in p.clients())


def count(db: psycopg.Connection[Any], sql: str, *args: object) -> int:
    row = db.execute(sql, args).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return int(row[0])


def assert_writes_once(url: str, outcomes: list[Any]) -> None:
    """Every write answered with success left its keyed event exactly once."""
    assert outcomes and all(o.status < 300 for o in outcomes)
    with psycopg.connect(url) as db:
        for o in outcomes:
            table = "hotline_ticketevent" if o.what in TICKET_WRITES else "cases_caseevent"
            found = count(db, f"SELECT count(*) FROM {table} WHERE key = %s", o.key)  # noqa: S608
            assert found == 1, f"{o.what} {o.key}: {found} events"


def assert_every_success_once(url: str, load: Load) -> None:
    assert_writes_once(url, load.outcomes())
    with psycopg.connect(url) as db:
        flows = THREADS * CASES_PER_THREAD
        assert len(set(load.case_ids)) == flows
        assert count(db, "SELECT count(*) FROM cases_case WHERE status = 'delivered'") == flows
        assert count(db, "SELECT count(*) FROM cases_case") == flows
        assert len(set(load.ticket_ids)) == THREADS
        dispatched = "SELECT count(*) FROM hotline_ticket WHERE status = 'dispatched'"
        assert count(db, dispatched) == THREADS
        assert count(db, "SELECT count(*) FROM hotline_ticket") == THREADS


def assert_invariants(url: str, tmp_path: Path) -> None:
    done = subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, str(ROOT / "manage.py"), "check_invariants"],
        env=node_env(url, tmp_path / "var"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "全部不变量检查通过" in done.stdout


def test_a_web_node_killed_mid_load_loses_and_doubles_nothing(private_db, tmp_path):
    world = build_world("crash")
    cluster, url = private_db()
    nodes = web_nodes(url, tmp_path)
    load = Load([n.url for n in nodes], world)
    killed: list[int] = []

    def chaos() -> None:
        load.wait_for(10)
        nodes[0].kill9()  # the whole node, master and workers, mid-request
        time.sleep(1.5)
        nodes[0].start()
        load.wait_for(35)
        worker = nodes[1].worker_pids()[0]
        subprocess.run(["kill", "-9", str(worker)], check=True)  # noqa: S607 - one worker
        killed.append(worker)

    try:
        load.drive(chaos)
    finally:
        for node in nodes:
            node.stop()
    assert killed and load.retried() > 0  # the faults did hit requests in flight
    assert_every_success_once(url, load)
    assert_invariants(url, tmp_path)


def test_postgres_stopped_abruptly_mid_load_loses_and_doubles_nothing(private_db, tmp_path):
    world = build_world("crash")
    cluster, url = private_db()
    nodes = web_nodes(url, tmp_path)
    load = Load([n.url for n in nodes], world)
    stops: list[str] = []

    def chaos() -> None:
        load.wait_for(10)
        cluster.stop_immediately()  # pg_ctl -m immediate: no checkpoint, crash recovery next
        stops.append("immediate")
        time.sleep(2)
        cluster.start()
        load.wait_for(35)
        cluster.kill9()  # SIGKILL to the postmaster
        stops.append("kill -9")
        time.sleep(1)
        cluster.start()

    try:
        load.drive(chaos)
    finally:
        for node in nodes:
            node.stop()
    assert stops == ["immediate", "kill -9"] and load.retried() > 0
    # It really came back through crash recovery, twice.
    assert cluster.log.read_text().count("automatic recovery in progress") == 2
    assert_every_success_once(url, load)
    assert_invariants(url, tmp_path)


def test_the_checks_find_a_write_that_took_effect_twice(private_db, tmp_path):
    """The checks above can fail: a keyed event written twice (under a dropped unique index)
    is found by both the per-request count and check_invariants."""
    world = build_world("crash")
    clerk = User.objects.get(username="crash-clerk")
    new = actions.NewCase(
        item=ServiceItem.objects.get(code=world["item"], status="published"),
        applicant=Applicant.objects.get(pk=world["applicant"]),
        channel="window",
        centre=Centre.objects.get(key=world["centre"]),
        form_data={},
    )
    case = actions.create_case(new, actor=clerk, now=timezone.now(), key="dup-create")
    actions.accept_case(case, actor=clerk, now=timezone.now(), key="dup-accept")
    answered = [
        Outcome("create", "dup-create", 201, {}, 1),
        Outcome("accept", "dup-accept", 200, {}, 1),
    ]
    cluster, url = private_db()
    assert_writes_once(url, answered)
    assert_invariants(url, tmp_path)
    with psycopg.connect(url, autocommit=True) as db:
        db.execute('DROP INDEX "event_key_unique"')
        db.execute(
            "INSERT INTO cases_caseevent (case_id, seq, kind, actor_id, at, status_after, data,"
            " key, prev_hash, alg, key_id, hash) SELECT case_id, 99, kind, actor_id, at,"
            " status_after, data, key, prev_hash, alg, key_id, hash FROM cases_caseevent"
            " WHERE key = 'dup-accept'"
        )
    with pytest.raises(AssertionError, match="accept dup-accept: 2 events"):
        assert_writes_once(url, answered)
    with pytest.raises(AssertionError, match="不通过.*idempotency"):
        assert_invariants(url, tmp_path)
