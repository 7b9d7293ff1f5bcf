"""Stepped HTTP load against the production setup: gunicorn + PostgreSQL + Redis + Celery.

    .venv/bin/python bench/load.py                       # default steps, about 5 minutes
    .venv/bin/python bench/load.py --steps 5,10,20,40 --duration 20 --workers 4 --keep-db

The script sets everything up the way the README's "Production" section runs the platform, on
this machine: a fresh PostgreSQL database (`onestop_load_<pid>`), `migrate`, `load_demo`,
`collectstatic`, then `gunicorn onestop.wsgi` (N sync workers), a Celery worker and Celery beat,
all configured through environment variables (DATABASE_URL, REDIS_URL on its own Redis database
number, a random SECRET_KEY, DEBUG off). Two departures from an Internet-facing deployment, both
because the load comes over plain HTTP on the loopback instead of through nginx with TLS:
`SECURE_COOKIES=false` (else the client would never send the session cookie back) and
`SECURE_HSTS_SECONDS=0`. The throttles stay as they are: the progress lookups use real
number + query-code pairs (only misses count against an address), and every login uses the right
password (django-axes counts failures only).

The load is **open-loop**: requests arrive as a Poisson process at the offered rate whatever the
server does, and each one's latency is measured from the moment it was due to be sent to the
end of its response, so a server that falls behind shows the queueing it causes (no coordinated
omission). A pool of client threads sends them with `requests`; each step runs `--duration`
seconds, then waits for the requests still in flight before the next step.

The mix (weights in MIX below): public guide pages and search, item pages, the department and
centre lists, progress lookups (page and API), an applicant's online application (the form,
then a multipart POST with the item's required materials as files, submitted at once), the
applicant's case list, staff moving those cases through the API with Idempotency-Key headers
(the clerk accepts, the reviewer claims and reviews, the approver claims and decides; when no
case waits they read their task lists instead), the clerk's workbench lists, the supervisor's
dashboard and supervision page, public trading, draw and intermediary lists.

`--profile FILE` samples the gunicorn workers with py-spy (installed by hand, not a pinned
dependency; it needs ptrace) and writes collapsed stacks to FILE.

Per step it prints the offered rate, achieved throughput, p50/p95/p99 latency, errors, and the
CPU used by the machine, the gunicorn workers and this client; at the end the highest step held
with p99 < 300 ms and no errors, and the slowest operations of the first step that was not held.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PASSWORD = "Xiqu@2026"  # noqa: S105 - the demo accounts' password, shown in README
# 消费纠纷调解 (市场监管局, promised, online pre-review): the clerk, reviewer and approver of the
# demo work in its department, so every application can go all the way to a decision.
APPLY_ITEM = "A-005818-5818-510403000000-000-11510403MB1172234Y-1-00"
SEARCH_WORDS = ["食品", "营业执照", "社保", "户口", "公司设立", "医疗", "残疾", "建设工程"]
P99_TARGET_MS = 300.0


# --- the production setup ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    """The processes and files of one run; `stop()` ends them and drops the database."""

    db: str
    env: dict[str, str]
    var: Path
    port: int
    created_db: bool
    keep_db: bool
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, capture: bool = False) -> str:
        done = subprocess.run(
            [str(BIN / "python"), str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.PIPE if capture else None,
        )
        return done.stdout.decode() if capture else ""

    def start(self, name: str, argv: list[str]) -> None:
        log = open(self.var / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            argv, env=self.env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
        )

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master)."""
        master = self.procs.get("gunicorn")
        if master is None:
            return []
        out = subprocess.run(
            ["pgrep", "-P", str(master.pid)], capture_output=True, text=True, check=False
        )
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        for name, proc in reversed(list(self.procs.items())):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            print(f"  stopped {name}", file=sys.stderr)
        if self.keep_db:
            print(f"  kept database {self.db} and files in {self.var}", file=sys.stderr)
            return
        if self.created_db:
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", self.db],
                check=False,
            )
            # the calendar years this database's run kept in Redis
            store = redis.Redis.from_url(self.env["REDIS_URL"])
            stale = list(store.scan_iter(f"*workdays:{self.db}:*"))
            if stale:
                store.delete(*stale)
        shutil.rmtree(self.var, ignore_errors=True)


def build_stack(args: argparse.Namespace) -> Stack:
    reuse = bool(args.db)
    db = args.db or f"onestop_load_{os.getpid()}"
    if not db.startswith("onestop_load_"):
        raise SystemExit("--db must name a database starting with onestop_load_")
    var = Path(tempfile.mkdtemp(prefix="onestop_load_"))
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "ONESTOP_VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    for name in ("ONESTOP_TESTING", "ONESTOP_EMBEDDED", "INPROCESS_JOBS", "AXES_ENABLED"):
        env.pop(name, None)
    stack = Stack(
        db=db,
        env=env,
        var=var,
        port=args.port or free_port(),
        created_db=not reuse,
        keep_db=args.keep_db or reuse,
    )
    try:
        t0 = time.perf_counter()
        if not reuse:
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
            stack.manage("migrate", "--noinput", "-v", "0")
            stack.manage("load_demo")
        stack.manage("collectstatic", "--noinput", "-v", "0")
        print(f"setup: database {db} ready in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        stack.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "onestop.wsgi",
                "--chdir",
                "src",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{stack.port}",
                "--backlog",
                "2048",
                "--timeout",
                "60",
            ],
        )
        celery = [str(BIN / "celery"), "-A", "onestop", "--workdir", "src"]
        stack.start("celery-worker", [*celery, "worker", "-l", "warning", "--concurrency", "1"])
        if not args.no_beat:
            schedule = str(var / "celerybeat-schedule")
            stack.start("celery-beat", [*celery, "beat", "-l", "warning", "-s", schedule])
        wait_ready(stack)
    except BaseException:
        stack.stop()
        raise
    return stack


def wait_ready(stack: Stack) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for name, proc in stack.procs.items():
            if proc.poll() is not None:
                log = (stack.var / f"{name}.log").read_text(errors="replace")[-2000:]
                raise SystemExit(f"{name} exited:\n{log}")
        try:
            if requests.get(stack.base + "/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 60 s")


# --- what the load needs from the demo ----------------------------------------------------

FIXTURE_SCRIPT = """
import json
from onestop.cases.models import Case
from onestop.catalog.queries import live_items
pairs = list(Case.objects.exclude(status='draft').values_list('number', 'query_code')[:200])
codes = list(live_items().values_list('code', flat=True))
print(json.dumps({'pairs': pairs, 'codes': codes}))
"""


@dataclass
class Fixtures:
    pairs: list[tuple[str, str]]
    codes: list[str]
    tokens: dict[str, str]
    sessions: dict[str, dict[str, str]]
    apply_form: dict[str, str]
    materials: list[str]
    upload: bytes


def png(size: int) -> bytes:
    """A valid PNG of random pixels (incompressible), about `size` bytes."""
    side = max(8, int((size / 3) ** 0.5))
    raw = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 1))
        + chunk(b"IEND", b"")
    )


def login(base: str, username: str) -> dict[str, str]:
    """Sign in through the login page (correct password); returns the session's cookies."""
    s = requests.Session()
    page = s.get(f"{base}/accounts/login/", timeout=30)
    token = s.cookies.get("csrftoken") or ""
    r = s.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=30,
    )
    if r.status_code != 302:
        raise SystemExit(f"login of {username} failed: HTTP {r.status_code}")
    return {"sessionid": s.cookies["sessionid"], "csrftoken": s.cookies["csrftoken"]}


INPUT = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.S)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def apply_form_fields(base: str, cookies: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The application form's prefilled fields and the names of its material file inputs."""
    html = requests.get(f"{base}/apply/{APPLY_ITEM}/", cookies=cookies, timeout=30).text
    fields: dict[str, str] = {}
    files: list[str] = []
    for tag, attrs_text in INPUT.findall(html):
        attrs = dict(ATTR.findall(attrs_text))
        name = attrs.get("name", "")
        if not name or name in ("csrfmiddlewaretoken", "key", "action"):
            continue
        if attrs.get("type") == "file":
            files.append(name)
        elif tag == "input" and attrs.get("type") not in ("radio", "checkbox", "submit"):
            fields[name] = attrs.get("value", "")
    filled = {
        "applicant_name": "张敏",
        "id_number": "11010519491231002X",
        "phone": "13881234567",
        "respondent": "攀枝花市西区某超市",
        "respondent_address": "攀枝花市西区清香坪街道 1 号",
        "purchase_date": "2026-11-01",
        "amount": "128",
        "request": "所购食品超过保质期，请求退货并赔偿。",
    }
    for name, value in filled.items():  # the form's fields carry the prefix "f-"
        if not fields.get(f"f-{name}"):
            fields[f"f-{name}"] = value
    return fields, files


def prepare(stack: Stack, upload_kb: int) -> Fixtures:
    data = json.loads(stack.manage("shell", "-c", FIXTURE_SCRIPT, capture=True).splitlines()[-1])
    tokens = {
        user: stack.manage("create_api_token", user, "--name", "load", capture=True).strip()
        for user in ("clerk", "reviewer", "approver")
    }
    sessions = {user: login(stack.base, user) for user in ("zhangmin", "clerk", "supervisor")}
    fields, files = apply_form_fields(stack.base, sessions["zhangmin"])
    if not files:
        raise SystemExit("the application form shows no material inputs")
    return Fixtures(
        pairs=[tuple(p) for p in data["pairs"]],
        codes=data["codes"],
        tokens=tokens,
        sessions=sessions,
        apply_form=fields,
        materials=files,
        upload=png(upload_kb * 1024),
    )


# --- the operations ---------------------------------------------------------------------------


@dataclass
class Work:
    """Cases and tasks handed from one operation to the next (clerk → reviewer → approver)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    to_accept: list[int] = field(default_factory=list)
    to_claim_review: list[int] = field(default_factory=list)
    to_review: list[int] = field(default_factory=list)
    to_find_decide: list[int] = field(default_factory=list)
    to_claim_decide: list[int] = field(default_factory=list)
    to_decide: list[int] = field(default_factory=list)
    decided: int = 0

    def take(self, name: str) -> int | None:
        with self.lock:
            queue: list[int] = getattr(self, name)
            return queue.pop(0) if queue else None

    def put(self, name: str, value: int) -> None:
        with self.lock:
            getattr(self, name).append(value)


class Client:
    """One `requests.Session` per client thread (connection reuse), cookies given per request."""

    def __init__(self, base: str, fx: Fixtures, work: Work) -> None:
        self.base, self.fx, self.work = base, fx, work
        self.local = threading.local()

    def session(self) -> requests.Session:
        s = getattr(self.local, "s", None)
        if s is None:
            s = self.local.s = requests.Session()
        s.cookies.clear()  # a response's cookies never leak into the next request
        return s

    def get(self, path: str, who: str | None = None, **kw: Any) -> requests.Response:
        cookies = self.fx.sessions[who] if who else None
        return self.session().get(self.base + path, cookies=cookies, timeout=30, **kw)

    def post_form(
        self, path: str, who: str | None, data: dict[str, str], **kw: Any
    ) -> requests.Response:
        cookies = dict(self.fx.sessions[who]) if who else {"csrftoken": ANON_CSRF}
        data = {**data, "csrfmiddlewaretoken": cookies["csrftoken"]}
        return self.session().post(
            self.base + path,
            cookies=cookies,
            data=data,
            headers={"Referer": self.base + path},
            allow_redirects=False,
            timeout=30,
            **kw,
        )

    def api(self, method: str, path: str, who: str, body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.fx.tokens[who]}"}
        if method == "POST":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        return self.session().request(
            method, f"{self.base}/api/v1{path}", json=body, headers=headers, timeout=30
        )


# An anonymous visitor's CSRF cookie (any 32 allowed characters; Django compares the form
# field with the cookie).
ANON_CSRF = "loadgen" + "x" * 25

Result = tuple[str, int, bool]  # operation name, HTTP status, as expected


ERRORS_SHOWN: dict[str, int] = defaultdict(int)


def expect(name: str, r: requests.Response, *ok: int) -> Result:
    good = r.status_code in (ok or (200,))
    if not good and ERRORS_SHOWN[name] < 3:  # the first few, to say what went wrong
        ERRORS_SHOWN[name] += 1
        text = r.text
        if "html" in r.headers.get("Content-Type", ""):  # the page's error messages
            found = re.findall(
                r'class="[^"]*(?:invalid-feedback|alert)[^"]*"[^>]*>(.*?)</', text, re.S
            )
            text = " | ".join(found) or re.sub(r"<[^>]+>", " ", text)
        body = " ".join(text.split())[:300]
        print(f"  {name}: HTTP {r.status_code} {r.request.path_url[:80]} {body}", file=sys.stderr)
    return name, r.status_code, good


def op_guide(c: Client) -> Result:
    return expect("guide", c.get("/guide/"))


def op_search(c: Client) -> Result:
    return expect("guide search", c.get("/guide/", params={"q": random.choice(SEARCH_WORDS)}))


def op_item(c: Client) -> Result:
    return expect("item page", c.get(f"/guide/item/{random.choice(c.fx.codes)}/"))


def op_home(c: Client) -> Result:
    return expect("home", c.get("/"))


def op_departments(c: Client) -> Result:
    return expect("departments", c.get("/departments/"))


def op_centres(c: Client) -> Result:
    return expect("centres", c.get("/centres/"))


def op_progress_page(c: Client) -> Result:
    number, code = random.choice(c.fx.pairs)
    r = c.post_form("/progress/", None, {"number": number, "query_code": code})
    return expect("progress page", r)


def op_progress_api(c: Client) -> Result:
    number, code = random.choice(c.fx.pairs)
    r = c.get("/api/v1/cases/progress", params={"number": number, "query_code": code})
    return expect("progress api", r)


def op_apply_form(c: Client) -> Result:
    return expect("apply form", c.get(f"/apply/{APPLY_ITEM}/", "zhangmin"))


CASE_URL = re.compile(r"/my/cases/(\d+)/$")


def op_apply(c: Client) -> Result:
    data = {**c.fx.apply_form, "key": secrets.token_urlsafe(16), "action": "submit"}
    files = {name: (f"{name}.png", c.fx.upload, "image/png") for name in c.fx.materials}
    r = c.post_form(f"/apply/{APPLY_ITEM}/", "zhangmin", data, files=files)
    match = CASE_URL.search(r.headers.get("Location", ""))
    if r.status_code == 302 and match:
        c.work.put("to_accept", int(match.group(1)))
        return "apply (upload)", 302, True
    return expect("apply (upload)", r, 302)


def _task_of(detail: dict[str, Any], kind: str) -> int | None:
    for task in detail.get("tasks", []):
        if task["kind"] == kind and task["status"] in ("open", "claimed"):
            return int(task["id"])
    return None


def op_clerk(c: Client) -> Result:
    case_id = c.work.take("to_accept")
    if case_id is None:
        return expect("clerk task list", c.api("GET", "/tasks", "clerk"))
    r = c.api("POST", f"/cases/{case_id}/accept", "clerk", {})
    if r.status_code == 200:
        task = _task_of(r.json(), "review")
        if task is None:
            return expect("accept", r, -1)
        c.work.put("to_claim_review", task)
    return expect("accept", r)


def op_reviewer(c: Client) -> Result:
    task = c.work.take("to_review")
    if task is not None:
        body = {"recommend_grant": True, "opinion": "材料齐全，符合调解受理条件。"}
        r = c.api("POST", f"/tasks/{task}/review", "reviewer", body)
        if r.status_code == 200:
            c.work.put("to_find_decide", int(r.json()["case_id"]))
        return expect("review", r)
    task = c.work.take("to_claim_review")
    if task is not None:
        r = c.api("POST", f"/tasks/{task}/claim", "reviewer")
        if r.status_code == 200:
            c.work.put("to_review", task)
        return expect("claim (review)", r)
    return expect("reviewer task list", c.api("GET", "/tasks", "reviewer"))


def op_approver(c: Client) -> Result:
    task = c.work.take("to_decide")
    if task is not None:
        r = c.api("POST", f"/tasks/{task}/decide", "approver", {"grant": True})
        if r.status_code == 200:
            with c.work.lock:
                c.work.decided += 1
        return expect("decide", r)
    task = c.work.take("to_claim_decide")
    if task is not None:
        r = c.api("POST", f"/tasks/{task}/claim", "approver")
        if r.status_code == 200:
            c.work.put("to_decide", task)
        return expect("claim (decide)", r)
    case_id = c.work.take("to_find_decide")
    if case_id is not None:
        r = c.api("GET", f"/cases/{case_id}", "approver")
        task = _task_of(r.json(), "decide") if r.status_code == 200 else None
        if task is None:
            return expect("case detail api", r, -1)
        c.work.put("to_claim_decide", task)
        return expect("case detail api", r)
    return expect("approver task list", c.api("GET", "/tasks", "approver"))


def op_my_cases(c: Client) -> Result:
    return expect("my cases", c.get("/my/cases/", "zhangmin"))


def op_staff_cases(c: Client) -> Result:
    return expect("staff case list", c.get("/staff/cases/", "clerk"))


def op_staff_tasks(c: Client) -> Result:
    return expect("staff task list", c.get("/staff/cases/tasks/", "clerk"))


def op_api_cases(c: Client) -> Result:
    return expect("api case list", c.api("GET", "/cases?page_size=20", "clerk"))


def op_dashboard(c: Client) -> Result:
    return expect("dashboard", c.get("/staff/dashboard/", "supervisor"))


def op_supervision(c: Client) -> Result:
    return expect("supervision", c.get("/staff/supervision/", "supervisor"))


def op_trading(c: Client) -> Result:
    return expect("trading list", c.get("/trading/"))


def op_draws(c: Client) -> Result:
    return expect("draws list", c.get("/draws/"))


def op_intermediaries(c: Client) -> Result:
    return expect("intermediaries", c.get("/intermediaries/"))


# Relative weights of the operations: mostly the public guide, as in a service centre's logs,
# then applications and the staff who move them.
MIX: list[tuple[Callable[[Client], Result], int]] = [
    (op_home, 6),
    (op_guide, 8),
    (op_search, 10),
    (op_item, 12),
    (op_departments, 3),
    (op_centres, 2),
    (op_progress_page, 5),
    (op_progress_api, 5),
    (op_apply_form, 4),
    (op_apply, 5),
    (op_my_cases, 4),
    (op_clerk, 6),
    (op_reviewer, 10),
    (op_approver, 10),
    (op_staff_cases, 3),
    (op_staff_tasks, 2),
    (op_api_cases, 3),
    (op_dashboard, 3),
    (op_supervision, 2),
    (op_trading, 2),
    (op_draws, 1),
    (op_intermediaries, 1),
]


# --- running a step -------------------------------------------------------------------------


@dataclass
class Sample:
    op: str
    status: int
    ok: bool
    latency: float  # seconds, from the due time to the end of the response


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def machine_busy() -> tuple[float, float]:
    cpu = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = cpu[3] + cpu[4]
    return float(sum(cpu) - idle), float(sum(cpu))


@dataclass
class StepResult:
    rate: float
    sent: int
    elapsed: float
    samples: list[Sample]
    machine_cpu: float  # share of all cores busy, 0..1
    web_cpu: float  # cores used by gunicorn workers
    client_cpu: float  # cores used by this process

    @property
    def latencies_ms(self) -> list[float]:
        return [s.latency * 1000 for s in self.samples]

    @property
    def web_ms_per_request(self) -> float:
        """CPU the gunicorn workers spent per answered request: less sensitive than latency to
        other work on a shared machine."""
        return self.web_cpu * self.elapsed * 1000 / max(len(self.samples), 1)

    @property
    def errors(self) -> int:
        return sum(not s.ok for s in self.samples)

    @property
    def held(self) -> bool:
        return self.errors == 0 and percentile(self.latencies_ms, 0.99) < P99_TARGET_MS


def run_step(
    client: Client, pool: ThreadPoolExecutor, rate: float, duration: float, stack: Stack
) -> StepResult:
    ops = [op for op, _ in MIX]
    weights = [w for _, w in MIX]
    samples: list[Sample] = []
    lock = threading.Lock()
    rng = random.Random()

    def fire(op: Callable[[Client], Result], due: float) -> None:
        try:
            name, status, ok = op(client)
        except requests.RequestException as exc:
            name, status, ok = op.__name__.removeprefix("op_"), 0, False
            print(f"  {name}: {type(exc).__name__}", file=sys.stderr)
        latency = time.perf_counter() - due
        with lock:
            samples.append(Sample(name, status, ok, latency))

    workers = stack.worker_pids()
    busy0, total0 = machine_busy()
    web0, me0 = cpu_seconds(workers), cpu_seconds([os.getpid()])
    futures = []
    start = time.perf_counter()
    due = start
    while True:
        due += rng.expovariate(rate)
        if due - start >= duration:
            break
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        futures.append(pool.submit(fire, rng.choices(ops, weights)[0], due))
    for f in futures:
        f.result()
    elapsed = time.perf_counter() - start
    busy1, total1 = machine_busy()
    return StepResult(
        rate=rate,
        sent=len(futures),
        elapsed=elapsed,
        samples=samples,
        machine_cpu=(busy1 - busy0) / max(total1 - total0, 1),
        web_cpu=(cpu_seconds(workers) - web0) / elapsed,
        client_cpu=(cpu_seconds([os.getpid()]) - me0) / elapsed,
    )


def print_step(r: StepResult) -> None:
    lat = r.latencies_ms
    print(
        f"{r.rate:>8.0f} {len(r.samples) / r.elapsed:>10.1f} {percentile(lat, 0.5):>8.0f}"
        f" {percentile(lat, 0.95):>8.0f} {percentile(lat, 0.99):>8.0f} {r.errors:>6}"
        f" {r.machine_cpu:>7.0%} {r.web_cpu:>7.2f} {r.web_ms_per_request:>7.1f}"
        f" {r.client_cpu:>7.2f}"
        f"  {'held' if r.held else 'not held'}",
        flush=True,
    )


def print_ops(r: StepResult) -> None:
    by_op: dict[str, list[Sample]] = defaultdict(list)
    for s in r.samples:
        by_op[s.op].append(s)
    print(f"\nper operation at {r.rate:.0f} req/s offered:")
    print(f"{'operation':<22} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}  statuses")
    rows = sorted(by_op.items(), key=lambda kv: -percentile([s.latency for s in kv[1]], 0.99))
    for name, group in rows:
        lat = [s.latency * 1000 for s in group]
        bad = sorted({s.status for s in group if not s.ok})
        print(
            f"{name:<22} {len(group):>5} {percentile(lat, 0.5):>8.0f} {percentile(lat, 0.99):>8.0f}"
            f" {sum(not s.ok for s in group):>6}  {bad or ''}"
        )


def start_profiler(stack: Stack, path: str) -> subprocess.Popen[bytes]:
    """py-spy (needs ptrace) sampling the gunicorn master and its workers; SIGINT ends it."""
    if not (BIN / "py-spy").exists():
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy (and ptrace)")
    master = stack.procs["gunicorn"].pid
    argv = [str(BIN / "py-spy"), "record", "--subprocesses", "--format", "raw", "--rate", "200"]
    argv += ["--nonblocking", "-o", path, "-p", str(master)]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL)


def versions(stack: Stack) -> str:
    def out(*argv: str) -> str:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, env=stack.env)
        return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"

    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    pg = out("psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version")
    py = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    django = out(str(BIN / "python"), "-c", "import django; print(django.get_version())")
    gunicorn = out(str(BIN / "gunicorn"), "--version")
    celery = out(str(BIN / "celery"), "--version")
    redis = out("redis-server", "--version")
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (
        f"{os.cpu_count()} cores, {mem:.0f} GiB, Python {py}, Django {django}, PostgreSQL {pg}, "
        f"{redis.split(' sha=')[0]}, {gunicorn}, celery {celery.split()[0]}; "
        f"load average before the run {' '.join(load)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--steps", default="5,10,20,30,40,60", help="offered req/s, comma-separated"
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds per step")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--keep-db", action="store_true", help="keep the database and files")
    parser.add_argument("--db", default="", help="reuse a kept onestop_load_* database")
    parser.add_argument("--threads", type=int, default=256, help="client threads")
    parser.add_argument("--upload-kb", type=int, default=80, help="size of each uploaded file")
    parser.add_argument("--redis-db", type=int, default=9, help="Redis database number")
    parser.add_argument("--conn-max-age", type=int, default=0, help="DB_CONN_MAX_AGE (seconds)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-beat", action="store_true", help="no Celery beat")
    parser.add_argument(
        "--profile",
        default="",
        help="write py-spy's collapsed stacks of the gunicorn workers over all steps to this file",
    )
    parser.add_argument("--warmup", type=float, default=5, help="seconds at the first rate")
    args = parser.parse_args()
    rates = [float(x) for x in args.steps.split(",") if x.strip()]

    stack = build_stack(args)
    try:
        print(versions(stack))
        fx = prepare(stack, args.upload_kb)
        work = Work()
        client = Client(stack.base, fx, work)
        print(
            f"open-loop Poisson arrivals, {args.duration:.0f} s per step, "
            f"{args.workers} gunicorn workers, {len(MIX)} operations, "
            f"{len(fx.materials)} files of {len(fx.upload) // 1024} KiB per application"
        )
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            if args.warmup > 0:
                run_step(client, pool, rates[0], args.warmup, stack)
            print(
                f"{'offered':>8} {'achieved':>10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
                f" {'errors':>6} {'machine':>7} {'web':>7} {'web ms':>7} {'client':>7}"
            )
            print(
                f"{'req/s':>8} {'req/s':>10} {'':>35} {'CPU':>7} {'cores':>7} {'/req':>7}"
                f" {'cores':>7}"
            )
            results = []
            profiler = start_profiler(stack, args.profile) if args.profile else None
            for rate in rates:
                result = run_step(client, pool, rate, args.duration, stack)
                results.append(result)
                print_step(result)
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
                profiler.wait(timeout=60)
        held = [r for r in results if r.held]
        best = max((r.rate for r in held), default=None)
        print(
            f"\nhighest load held (p99 < {P99_TARGET_MS:.0f} ms, no errors): "
            + (f"{best:.0f} req/s" if best is not None else "none of the steps")
        )
        print(f"applications decided during the run: {work.decided}")
        first_missed = next((r for r in results if not r.held), results[-1])
        print_ops(first_missed)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
