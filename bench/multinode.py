"""Two web nodes and two Celery workers on one PostgreSQL, hammering the same cases at once.

    .venv/bin/python bench/multinode.py                      # 40 cases, 20 tickets, 8 flows at once
    .venv/bin/python bench/multinode.py --cases 100 --tickets 40 --flows 12

Production layout (README "Production"): gunicorn `onestop.wsgi` on two ports, two Celery
workers on Redis, one fresh PostgreSQL database (`onestop_mn_<pid>`, migrate + load_demo).

- Every case runs window → acceptance → opinion → review → decision → completion → delivery
  through the API. Each write is sent by two clients at once, one per web node: half the time
  with the same Idempotency-Key (both must succeed, with one effect), otherwise with keys of
  their own (one wins, the other is refused: the state has moved on). A client whose request
  fails (connection error or 5xx) retries with the same key on the other node.
- Hotline calls are registered with one key from both nodes at once, then dispatched.
- Meanwhile the periodic jobs (supervision sweep, deemed acceptance, hotline sweep, outbox
  delivery) are sent to both workers at once, round after round.
- Afterwards `check_invariants` runs (with the outbox checked against what the recording
  delivery backend saw sent) and the figures are printed; the last line reads
  `writes/s=… cases/s=… invariants=ok|FAILED`.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.faults.harness import (  # noqa: E402
    Client,
    Outcome,
    Personas,
    WebNode,
    build_world,
    free_port,
    node_env,
    run_threads,
)

JOBS = ["sweep_supervision", "sweep_deemed_acceptance", "sweep_hotline", "deliver_notifications"]
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def sh(*command: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


# --- two clients, one per node, sending the same write at once --------------------------------


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def record(self, what: str, same: bool, results: list[Outcome]) -> None:
        good = sum(r.status < 300 for r in results)
        with self.lock:
            self.counts["writes"] += len(results)
            self.counts["moves"] += 1
            self.counts["same_key_pairs" if same else "own_key_pairs"] += 1
            self.counts["retries"] += sum(r.attempts - 1 for r in results)
            if same and good != 2:
                self.counts[f"UNEXPECTED same key, {good} of 2 succeeded: {what}"] += 1
            if not same:
                self.counts["losers_refused"] += len(results) - good
                if good != 1:
                    self.counts[f"UNEXPECTED own keys, {good} of 2 succeeded: {what}"] += 1


STATS = Stats()


class Pair:
    """The same persona on both nodes (a session each), firing each write at once."""

    def __init__(self, a: Client, b: Client) -> None:
        self.a, self.b = a, b

    def both(self, what: str, path: str, body: Any, key: str, same: bool | None = None) -> Any:
        """Send from both nodes at once, with the same key (`same`, or half the time) or a key
        each; returns the body of a successful answer (there must be one)."""
        if same is None:
            same = random.random() < 0.5  # noqa: S311
        keys = (key, key) if same else (f"{key}-a", f"{key}-b")
        results: list[Outcome] = []
        barrier = threading.Barrier(2)

        def send(client: Client, k: str) -> Callable[[], None]:
            def go() -> None:
                barrier.wait()
                results.append(client.post(what, path, body, key=k))

            return go

        errors = run_threads([send(self.a, keys[0]), send(self.b, keys[1])])
        if errors:
            raise errors[0]
        STATS.record(what, same, results)
        ok = [r for r in results if r.status < 300]
        if not ok:
            answers = [(r.status, r.body) for r in results]
            raise AssertionError(f"{what} {key}: no success: {answers}")
        return ok[0].body


def pairs_over(nodes: list[str], world: dict[str, Any]) -> dict[str, Pair]:
    a, b = Personas.over(nodes[:1], world), Personas.over(nodes[1:], world)
    # A client that cannot reach its node retries on the other one.
    for client in a.clients() + b.clients():
        client.nodes = [client.nodes[0], *(n for n in nodes if n != client.nodes[0])]
    return {
        name: Pair(getattr(a, name), getattr(b, name)) for name in Personas.__dataclass_fields__
    }


def task_of(case: dict[str, Any], kind: str) -> int:
    return next(t["id"] for t in case["tasks"] if t["kind"] == kind and t["status"] != "done")


def contended_case(p: dict[str, Pair], world: dict[str, Any], tag: str) -> None:
    body = {
        "item": world["item"],
        "centre": world["centre"],
        "applicant": world["applicant"],
        "channel": "window",
    }
    # Two creates with keys of their own would rightly be two applications: they share one.
    cid = p["clerk"].both("create", "/api/v1/cases", body, f"{tag}-create", same=True)["id"]
    case = p["clerk"].both("accept", f"/api/v1/cases/{cid}/accept", {}, f"{tag}-accept")
    opinion, review = task_of(case, "opinion"), task_of(case, "review")
    p["co_reviewer"].both(
        "opinion",
        f"/api/v1/tasks/{opinion}/opinion",
        {"agree": True, "opinion": "同意"},
        f"{tag}-opinion",
    )
    p["reviewer"].both(
        "review",
        f"/api/v1/tasks/{review}/review",
        {"recommend_grant": False, "opinion": "场所不符合卫生要求"},
        f"{tag}-review",
    )
    decide = task_of(p["approver"].a.get(f"/api/v1/cases/{cid}"), "decide")
    p["approver"].both(
        "decide",
        f"/api/v1/tasks/{decide}/decide",
        {"grant": False, "reasons": "场所不符合卫生要求"},
        f"{tag}-decide",
    )
    p["clerk"].both("complete", f"/api/v1/cases/{cid}/complete", {}, f"{tag}-complete")
    p["clerk"].both("deliver", f"/api/v1/cases/{cid}/deliver", {}, f"{tag}-deliver")


def contended_ticket(p: dict[str, Pair], world: dict[str, Any], tag: str) -> None:
    body = {
        "kind": "complaint",
        "content": "清香坪街道某小区门口的餐馆油烟直排，晚上还有噪音。",
        "caller_name": "张先生",
        "caller_phone": "13800001234",
        "address": "清香坪街道新宏路12号",
    }
    op = p["operator"]
    tid = op.both("register", "/api/v1/hotline/tickets", body, f"{tag}-reg", same=True)["id"]
    op.both(
        "dispatch",
        f"/api/v1/hotline/tickets/{tid}/dispatch",
        {"lead_department_id": world["lead"]},
        f"{tag}-dispatch",
    )


# --- the periodic jobs on both workers at once ------------------------------------------------


class Workers:
    """Two Celery workers (tests/celery_workers.py), each on a queue of its own, so that a job
    sent to both really runs twice at once."""

    def __init__(self, broker: str, url: str, tmp: Path) -> None:
        from tests.celery_workers import start_worker

        self.broker, self.run = broker, uuid.uuid4().hex[:8]
        self.queues = [f"onestop-mn-{self.run}-{i}" for i in range(2)]
        self.logs = [tmp / f"worker{i}.log" for i in range(2)]
        self.sent_file = tmp / "delivered.txt"
        env = {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
            "NOTIFY_RECORD_FILE": str(self.sent_file),
        }
        self.procs = [
            start_worker(broker, q, f"mn{i}", log, env)
            for i, (q, log) in enumerate(zip(self.queues, self.logs, strict=True))
        ]
        self.sent = 0

    def ready(self) -> None:
        from tests.celery_workers import wait_ready

        wait_ready(self.logs, timeout=180)

    def round(self) -> None:
        """Every job once on each worker, sent back to back."""
        from tests.celery_workers import send_job

        for job in JOBS:
            for queue in self.queues:
                send_job(self.broker, queue, job)
        self.sent += len(JOBS)

    def drain(self, timeout: float = 300) -> None:
        """Until each worker has finished every job sent to it."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            done = [log.read_text(errors="replace").count("succeeded in") for log in self.logs]
            if all(d >= self.sent for d in done):
                return
            time.sleep(0.5)
        raise RuntimeError(f"workers did not finish their jobs: {done} of {self.sent}")

    def failed_jobs(self) -> int:
        return sum(log.read_text(errors="replace").count("raised unexpected") for log in self.logs)

    def stop(self) -> None:
        import redis
        from tests.celery_workers import stop

        stop(self.procs)
        client = redis.Redis.from_url(self.broker)
        for key in client.scan_iter(f"*onestop-mn-{self.run}*"):
            client.delete(key)


# --- the run ----------------------------------------------------------------------------------


def drive(nodes: list[str], world: dict[str, Any], args: argparse.Namespace) -> float:
    """The flows, `args.flows` at once; returns the seconds they took."""
    todo = [("case", i) for i in range(args.cases)] + [("ticket", i) for i in range(args.tickets)]
    random.shuffle(todo)
    lock = threading.Lock()
    run = uuid.uuid4().hex[:6]

    def flow() -> None:
        pairs = pairs_over(nodes, world)
        while True:
            with lock:
                if not todo:
                    return
                kind, i = todo.pop()
            if kind == "case":
                contended_case(pairs, world, f"mn{run}-c{i}")
            else:
                contended_ticket(pairs, world, f"mn{run}-t{i}")

    t0 = time.perf_counter()
    errors = run_threads([flow for _ in range(args.flows)])
    if errors:
        raise errors[0]
    return time.perf_counter() - t0


def sweeping(workers: Workers, every: float) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            workers.round()
            stop.wait(every)

    thread = threading.Thread(target=loop)
    thread.start()
    return stop, thread


def machine() -> str:
    import django
    import psycopg

    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    pg = subprocess.run(
        ["psql", *PG, "-tAc", "show server_version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return (
        f"{os.cpu_count()} CPUs, {int(mem) // 1024 // 1024} GiB RAM, "
        f"Python {sys.version.split()[0]}, "
        f"Django {django.get_version()}, PostgreSQL {pg}, psycopg {psycopg.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--tickets", type=int, default=20)
    parser.add_argument("--flows", type=int, default=8, help="flows driven at once")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--sweep-every", type=float, default=1.0, help="seconds between rounds")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    name = f"onestop_mn_{os.getpid()}"
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    tmp = Path(tempfile.mkdtemp(prefix="onestop_mn_"))
    os.environ.update(node_env(url, tmp / "var"))
    print(machine())
    sh("createdb", *PG, name)
    nodes: list[WebNode] = []
    workers: Workers | None = None
    try:
        t0 = time.perf_counter()
        sh(sys.executable, "manage.py", "migrate", "--noinput", "-v", "0")
        sh(sys.executable, "manage.py", "load_demo")
        print(f"fresh database {name}: migrate + load_demo in {time.perf_counter() - t0:.0f} s")

        import django

        django.setup()
        from tests.faults.backends import recorded

        from onestop.notify.models import Message
        from onestop.supervision import invariants
        from onestop.supervision.models import Alert, Violation

        world = build_world("mn")
        sent_before = list(
            Message.objects.filter(status=Message.Status.SENT).values_list("pk", flat=True)
        )
        env = node_env(url, tmp / "var")
        nodes = [
            WebNode(free_port(), env, tmp / f"web{i}.log", workers=args.web_workers)
            for i in range(2)
        ]
        for node in nodes:
            node.spawn()
        workers = Workers(args.broker, url, tmp)
        for node in nodes:
            node.wait_ready()
        workers.ready()
        print(f"2 web nodes ({args.web_workers} gunicorn workers each), 2 Celery workers: ready")

        stop, sweeper = sweeping(workers, args.sweep_every)
        try:
            elapsed = drive([n.url for n in nodes], world, args)
        finally:
            stop.set()
            sweeper.join()
        workers.round()  # a last round on both, after the load
        workers.drain()
        rounds = workers.sent // len(JOBS)

        c = STATS.counts
        moves = c["moves"]
        print(
            f"load: {args.cases} cases × 7 writes + {args.tickets} tickets × 2 writes, "
            f"{args.flows} flows at once, every write sent from both nodes at once "
            f"({c['same_key_pairs']} with one key, {c['own_key_pairs']} with a key each)"
        )
        print(
            f"answered writes {c['writes']} in {elapsed:.1f} s: moves={moves} "
            f"losers_refused={c['losers_refused']} retries={c['retries']}"
        )
        for label, n in sorted(c.items()):
            if label.startswith("UNEXPECTED"):
                print(f"  {label}: {n}")
        print(
            f"periodic jobs: {rounds} rounds × {len(JOBS)} jobs on both workers at once "
            f"({workers.failed_jobs()} failed); alerts={Alert.objects.count()} "
            f"violations={Violation.objects.count()} "
            f"messages sent={Message.objects.filter(status=Message.Status.SENT).count()}"
        )

        t1 = time.perf_counter()
        delivered = recorded(workers.sent_file) + sent_before
        results = [
            check() if check is not invariants.check_notifications_once else check(delivered)
            for check in invariants.CHECKS
        ]
        check_s = time.perf_counter() - t1
        for r in results:
            print(
                f"  [{'ok' if r.ok else 'FAILED'}] {r.name}: checked {r.checked}, "
                f"problems {len(r.problems)}"
            )
            for problem in r.problems[:10]:
                print(f"      {problem.subject}: {problem.detail}")
        print(f"invariant check: {check_s:.1f} s")
        ok = all(r.ok for r in results) and not any(k.startswith("UNEXPECTED") for k in c)
        print(
            f"writes/s={c['writes'] / elapsed:.1f} moves/s={moves / elapsed:.1f} "
            f"cases/s={args.cases / elapsed:.2f} invariants={'ok' if ok else 'FAILED'}"
        )
    finally:
        for node in nodes:
            node.stop()
        if workers is not None:
            workers.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            subprocess.run(["dropdb", *PG, "--if-exists", name], check=False)
        print(f"logs in {tmp}" + (f"; database {name} kept" if args.keep else ""))


if __name__ == "__main__":
    main()
