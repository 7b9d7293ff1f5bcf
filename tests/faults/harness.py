"""Pieces the fault tests and bench/multinode.py share: a world of staff with API tokens, HTTP
clients that retry with their Idempotency-Key, the case and ticket flows they drive, gunicorn
web nodes, and a private PostgreSQL cluster that a test may stop abruptly.

Nothing here mocks a component: the clients speak HTTP to real gunicorn processes, which talk
to a real PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _pg_bin() -> Path:
    """PostgreSQL's server programs: PG_BIN, else Debian's newest /usr/lib/postgresql/<v>/bin."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()


# --- the world -------------------------------------------------------------------------------


def build_world(tag: str = "f") -> dict[str, Any]:
    """A district of its own (it does not touch the demo's), an item with a co-department, an
    applicant, and an API token for each persona. Needs Django set up; returns plain values."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from onestop.apitokens.actions import create_token
    from onestop.catalog.actions import ensure_life_events, upsert_item
    from onestop.org.models import Applicant, Centre, Department, Region, Role, StaffRole

    now = timezone.now()
    district = Region.objects.create(code="510499000000", name="压测区", level="district")
    centre = Centre.objects.create(
        key=f"{tag}-centre", name="压测区政务服务中心", region=district, level="district"
    )

    def dept(key: str, name: str) -> Department:
        return Department.objects.create(
            key=f"{tag}-{key}", name=name, short_name=name, kind="district", region=district
        )

    lead, co, hall = (
        dept("a", "压测区市场监管局"),
        dept("b", "压测区卫健局"),
        dept("h", "压测区政务中心"),
    )
    tokens: dict[str, str] = {}
    for name, role, department in [
        ("clerk", Role.CLERK, lead),
        ("reviewer", Role.REVIEWER, lead),
        ("approver", Role.APPROVER, lead),
        ("co_reviewer", Role.REVIEWER, co),
        ("operator", Role.HOTLINE_OPERATOR, hall),
    ]:
        user = User.objects.create_user(username=f"{tag}-{name}", first_name=name)
        StaffRole.objects.create(user=user, role=role, department=department, region=district)
        tokens[name] = create_token(user, name="faults", now=now)[1]
    person = User.objects.create_user(username=f"{tag}-applicant")
    applicant = Applicant.objects.create(
        user=person, kind="person", name="张敏", id_number="11010519491231002X", phone="13881234567"
    )
    ensure_life_events()
    code = f"511A0000-{tag.upper()}"
    upsert_item(
        {
            "code": code,
            "name": "公共场所卫生许可（压测）",
            "category": "行政许可",
            "department": lead.key,
            "co_departments": [co.key],
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
            # Optional only: the window accepts without checking paper first.
            "materials": [
                {
                    "name": "经营场所平面图",
                    "required": False,
                    "form": "copy",
                    "count": 1,
                    "tolerance": False,
                    "note": "",
                }
            ],
            "form": [],
            "steps": [
                {"name": "受理", "role": "clerk", "days": 1},
                {"name": "审核", "role": "reviewer", "days": 5},
                {"name": "决定", "role": "approver", "days": 2},
            ],
        },
        actor=None,
        now=now,
    )
    return {
        "tokens": tokens,
        "item": code,
        "centre": centre.key,
        "applicant": applicant.pk,
        "lead": lead.pk,
    }


# --- clients ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    """A write that got an answer: its key, its status and (for 2xx) its JSON."""

    what: str
    key: str
    status: int
    body: dict[str, Any]
    attempts: int


@dataclass
class Client:
    """One persona's HTTP client over several web nodes. A write is retried with the same
    Idempotency-Key, on the next node, until it gets an answer below 500 (or the deadline)."""

    nodes: list[str]
    token: str
    deadline_s: float = 180.0
    # Longer than gunicorn's --timeout (60 s): a write is retried only once its first attempt
    # has ended (answered, or its worker killed and its transaction rolled back). Retrying
    # earlier would send the same key twice at once, which is the multinode bench's business.
    timeout_s: float = 90.0
    log: list[Outcome] = field(default_factory=list)
    failures: int = 0  # connection errors and 5xx answers seen (then retried)

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {self.token}"
        self.turn = random.randrange(len(self.nodes))  # noqa: S311 - spreading load

    def _node(self) -> str:
        self.turn = (self.turn + 1) % len(self.nodes)
        return self.nodes[self.turn]

    def get(self, path: str) -> dict[str, Any]:
        return self._call("GET", path, None, "", path).body

    def post(self, what: str, path: str, body: Any = None, *, key: str) -> Outcome:
        outcome = self._call("POST", path, body, key, what)
        self.log.append(outcome)
        return outcome

    def _call(self, method: str, path: str, body: Any, key: str, what: str) -> Outcome:
        headers = {"Idempotency-Key": key} if key else {}
        end = time.monotonic() + self.deadline_s
        attempts, pause = 0, 0.05
        while True:
            attempts += 1
            try:
                r = self.session.request(
                    method, self._node() + path, json=body, headers=headers, timeout=self.timeout_s
                )
                if r.status_code < 500:
                    data = r.json() if r.content else {}
                    return Outcome(what, key, r.status_code, data, attempts)
            except requests.RequestException:
                pass
            self.failures += 1
            if time.monotonic() > end:
                raise RuntimeError(f"{method} {path} got no answer within {self.deadline_s} s")
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


@dataclass
class Personas:
    clerk: Client
    reviewer: Client
    approver: Client
    co_reviewer: Client
    operator: Client

    @classmethod
    def over(cls, nodes: list[str], world: Mapping[str, Any]) -> Personas:
        t = world["tokens"]
        return cls(*(Client(nodes, t[name]) for name in cls.__dataclass_fields__))

    def clients(self) -> list[Client]:
        return [self.clerk, self.reviewer, self.approver, self.co_reviewer, self.operator]


def _ok(outcome: Outcome) -> dict[str, Any]:
    if outcome.status >= 300:
        raise AssertionError(f"{outcome.what} {outcome.key}: {outcome.status} {outcome.body}")
    return outcome.body


def _task(case: Mapping[str, Any], kind: str) -> int:
    return next(t["id"] for t in case["tasks"] if t["kind"] == kind and t["status"] != "done")


def run_case(p: Personas, world: Mapping[str, Any], tag: str) -> int:
    """One case from the window to delivery, every write with its own key; returns its id."""
    body = {
        "item": world["item"],
        "centre": world["centre"],
        "applicant": world["applicant"],
        "channel": "window",
    }
    case = _ok(p.clerk.post("create", "/api/v1/cases", body, key=f"{tag}-create"))
    cid = case["id"]
    case = _ok(p.clerk.post("accept", f"/api/v1/cases/{cid}/accept", {}, key=f"{tag}-accept"))
    opinion, review = _task(case, "opinion"), _task(case, "review")
    _ok(
        p.co_reviewer.post(
            "opinion",
            f"/api/v1/tasks/{opinion}/opinion",
            {"agree": True, "opinion": "同意"},
            key=f"{tag}-opinion",
        )
    )
    _ok(
        p.reviewer.post(
            "review",
            f"/api/v1/tasks/{review}/review",
            {"recommend_grant": False, "opinion": "场所不符合卫生要求"},
            key=f"{tag}-review",
        )
    )
    decide = _task(p.approver.get(f"/api/v1/cases/{cid}"), "decide")
    _ok(
        p.approver.post(
            "decide",
            f"/api/v1/tasks/{decide}/decide",
            {"grant": False, "reasons": "场所不符合卫生要求"},
            key=f"{tag}-decide",
        )
    )
    _ok(p.clerk.post("complete", f"/api/v1/cases/{cid}/complete", {}, key=f"{tag}-complete"))
    _ok(p.clerk.post("deliver", f"/api/v1/cases/{cid}/deliver", {}, key=f"{tag}-deliver"))
    return int(cid)


def run_ticket(p: Personas, world: Mapping[str, Any], tag: str) -> int:
    """A hotline call registered and dispatched to the lead department; returns its id."""
    body = {
        "kind": "complaint",
        "content": "清香坪街道某小区门口的餐馆油烟直排，晚上还有噪音。",
        "caller_name": "张先生",
        "caller_phone": "13800001234",
        "address": "清香坪街道新宏路12号",
    }
    ticket = _ok(p.operator.post("register", "/api/v1/hotline/tickets", body, key=f"{tag}-reg"))
    tid = ticket["id"]
    _ok(
        p.operator.post(
            "dispatch",
            f"/api/v1/hotline/tickets/{tid}/dispatch",
            {"lead_department_id": world["lead"]},
            key=f"{tag}-dispatch",
        )
    )
    return int(tid)


# --- web nodes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def node_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production node (README "Production") on a throw-away database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "faults-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ONESTOP_VAR_DIR": str(var_dir),
        "ONESTOP_TESTING": "true",  # plain static storage: no collectstatic needed for the API
        "INPROCESS_JOBS": "false",
        "AXES_ENABLED": "false",
        **extra,
    }


class WebNode:
    """`gunicorn onestop.wsgi` in a process group of its own (so kill -9 takes it all)."""

    def __init__(self, port: int, env: Mapping[str, str], log: Path, workers: int = 2) -> None:
        self.port, self.env, self.log, self.workers = port, dict(env), log, workers
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        self.spawn()
        self.wait_ready(timeout)

    def spawn(self) -> None:
        command = [
            str(BIN / "gunicorn"), "onestop.wsgi", "--chdir", str(ROOT / "src"),
            "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "60", "--graceful-timeout", "5",
        ]  # fmt: skip
        self.proc = subprocess.Popen(  # noqa: S603 (our own command line)
            command,
            env=self.env,
            cwd=ROOT,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        assert self.proc is not None
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                requests.get(self.url + "/api/v1/openapi.json", timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn not answering on {self.url}:\n{self.log.read_text()[-3000:]}")

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        return children(self.proc.pid)

    def kill9(self) -> None:
        """The node dies at once: master and workers, mid-request."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


# --- a private PostgreSQL ---------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of its own in a temporary directory, on a free port, that a test
    may stop abruptly without touching the machine's shared cluster. As root, the server runs
    as the `postgres` system user (initdb refuses root)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="onestop_crash_pg_"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.log = self.dir / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")
        self._run([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres"]
                  + ["-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8"])  # fmt: skip

    @staticmethod
    def available() -> str | None:
        """None if a private cluster can be made here, else why not."""
        if not (PG_BIN / "initdb").exists():
            return f"no PostgreSQL server binaries in {PG_BIN} (set PG_BIN)"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return "running as root without runuser: initdb cannot run"
        return None

    def _run(self, command: list[str]) -> None:
        subprocess.run(  # noqa: S603 (our own command line)
            self.as_user + command, check=True, capture_output=True, cwd=self.dir
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w"]
            + ["-t", "60", "-o", options, "start"]
        )

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop_immediately(self) -> None:
        """`pg_ctl -m immediate stop`: every backend quits without a checkpoint (crash
        recovery on the next start)."""
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])

    def kill9(self) -> None:
        """The postmaster dies at once. Its backends notice and quit; the next start waits for
        them (a new postmaster refuses to start while the old shared memory is in use)."""
        pid = self.postmaster_pid()
        backends = children(pid)
        os.kill(pid, signal.SIGKILL)
        end = time.monotonic() + 30
        while time.monotonic() < end and any(Path(f"/proc/{b}").exists() for b in backends):
            time.sleep(0.1)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        shutil.rmtree(self.dir, ignore_errors=True)


# --- running clients at once -----------------------------------------------------------------


def run_threads(jobs: list[Any]) -> list[BaseException]:
    """Run each callable in a thread; return the errors they raised."""
    errors: list[BaseException] = []

    def wrap(job: Any) -> None:
        try:
            job()
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=wrap, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
