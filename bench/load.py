"""`make load`: the service under load, as it runs in production, measured from outside.

A PostgreSQL database of its own on the server (STYRKOLL_LOAD_DATABASE_URL, else
STYRKOLL_TEST_DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test names the
server; the database is made and dropped here), migrated and loaded with the demo; gunicorn as
`make serve` runs it (LOAD_WORKERS sync workers, default 3; SECRET_KEY set; the per-user rate
limits off, STYRKOLL_RATE_CHECKS=0 and STYRKOLL_RATE_UPLOADS=0, since a few users make all the
load; the watchman off) and, when uploads are queued (the default on PostgreSQL; LOAD_JOBS=inline
checks in the request), LOAD_JOB_WORKERS `styrkoll worker` processes (default 1).

Then separate driver processes (LOAD_DRIVERS, default 2) send the requests over loopback:

1. mixed, closed loop: LOAD_CLIENTS clients (default 50) for LOAD_SECONDS (default 60), each
   sending its next request when the last is answered: self-checks (POST /api/v1/checks), uploads
   (POST /api/v1/documents, as the unit users enhet and enhet2, each a plan made unique by a
   comment line) and reads (GET /api/v1/findings and GET /api/v1/documents);
2. self-checks at fixed rates, open loop (a request is sent on schedule whether or not earlier
   ones are answered; its latency is counted from when it was due, so a server that falls behind
   shows it): LOAD_RATE (default 200/s) and then lower rates (LOAD_RATES, default 150, 100, 50, 25)
   for LOAD_RATE_SECONDS each (default 20).

Afterwards, in the database: once the queue is empty, every acknowledged upload (201, with its
version id and the SHA-256 of what was sent) is stored exactly once – one version with that hash,
that id and those bytes, one job and one check run – and an upload without an answer is either
absent or stored just as whole. Writes bench/results-load.md (and prints it).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"
STYRKOLL = BIN / "styrkoll"
RESULTS = ROOT / "bench" / "results-load.md"
PLAN = ROOT / "examples" / "akt-2012-brister" / "verksamhetsplan.yaml"
UPLOADERS = ("enhet", "enhet2")  # the unit users that upload: their units' names are in the plan
READERS = ("enhet", "enhet2", "controller")
CHECKER_USER = "enhet"
MIX = {"check": 0.4, "upload": 0.2, "findings": 0.2, "documents": 0.2}
YAML = "application/yaml"
TIMEOUT = 60  # seconds a client waits for an answer
BACKOFF = 0.5  # seconds a client waits after no answer or a 503 (closed loop only)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def server_url() -> str:
    return os.environ.get("STYRKOLL_LOAD_DATABASE_URL") or os.environ.get(
        "STYRKOLL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )


# --- the database ------------------------------------------------------------------------------


def url_with(base: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(base).set(database=database).render_as_string(hide_password=False)


def admin_sql(base: str, *statements: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


@contextmanager
def own_database(base: str, prefix: str = "styrkoll_load") -> Iterator[str]:
    """A database of our own on the server named by `base`, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_sql(base, f'CREATE DATABASE "{name}"')
    try:
        yield url_with(base, name)
    finally:
        admin_sql(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Seeded:
    tokens: dict[str, str]
    units: dict[str, int]  # unit user -> their unit's id
    unit_names: dict[str, str]


def seed(url: str, instance: Path) -> Seeded:
    """Migrate, load the demo organisation, users and documents, and make a token per user."""
    from sqlalchemy import select

    from checks.checker import Checker
    from service.app import create_app
    from service.auth import new_token
    from service.db import OrgUnit, User
    from service.demo import load_demo
    from service.migrate import upgrade

    upgrade(url)
    with Checker() as checker:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": url,
                "CHECKER": checker,
                "INSTANCE_PATH": str(instance),
            }
        )
        try:
            with app.extensions["styrkoll_sessions"]() as session:
                load_demo(session, checker)
                users = session.execute(select(User)).scalars().all()
                tokens = {u.username: new_token(session, u) for u in users}
                units = {u.username: u.org_unit_id for u in users if u.org_unit_id is not None}
                names = {
                    u.username: session.get(OrgUnit, u.org_unit_id).name  # type: ignore[union-attr]
                    for u in users
                    if u.org_unit_id is not None
                }
                session.commit()
        finally:
            app.extensions["styrkoll_engine"].dispose()
    return Seeded(tokens, units, names)  # type: ignore[arg-type]


# --- the service -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def service_env(url: str, instance: Path, jobs: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-" + os.urandom(16).hex(),
        "STYRKOLL_INSTANCE": str(instance),
        "STYRKOLL_RATE_CHECKS": "0",
        "STYRKOLL_RATE_UPLOADS": "0",
        "STYRKOLL_JOBS": jobs,
    }
    env.pop("STYRKOLL_WATCH", None)  # the watchman is the tests' second opinion, not production's
    return env


class Service:
    """gunicorn (and the queue's workers) on one database, started and stopped here."""

    def __init__(self, url: str, instance: Path, workers: int, jobs: str, job_workers: int) -> None:
        self.url, self.instance, self.workers, self.jobs = url, instance, workers, jobs
        self.job_workers = job_workers if jobs == "queue" else 0
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = instance / "gunicorn.log"
        self.env = service_env(url, instance, jobs)
        self.gunicorn: subprocess.Popen[bytes] | None = None
        self.queue_workers: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        self.start_unready()
        for _ in range(self.job_workers):
            self.start_job_worker()
        self.wait_ready()

    def start_unready(self) -> None:
        """gunicorn started, not waited for."""
        with self.log.open("ab") as out:
            self.gunicorn = subprocess.Popen(
                [str(GUNICORN), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}"]
                + ["service.app:create_app()"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )

    def start_job_worker(self, stalled_after: float = 30.0) -> subprocess.Popen[bytes]:
        log = self.instance / f"worker-{len(self.queue_workers)}.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [str(STYRKOLL), "worker", "--stalled-after", str(stalled_after)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        self.queue_workers.append(proc)
        return proc

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                status, _ = request(self.base, "GET", "/readyz", timeout=5)
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            assert self.gunicorn is not None
            if self.gunicorn.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(self.log.read_text(errors="replace")[-5000:])
            time.sleep(0.3)

    def worker_pids(self) -> list[int]:
        import psutil

        if self.gunicorn is None:
            return []
        try:
            return [p.pid for p in psutil.Process(self.gunicorn.pid).children()]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        procs = [p for p in (self.gunicorn, *self.queue_workers) if p is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def logged_statuses(self) -> Counter[int]:
        """The statuses of the server's request log lines."""
        out: Counter[int] = Counter()
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{") and '"status"' in line:
                try:
                    out[int(json.loads(line)["status"])] += 1
                except (ValueError, KeyError):
                    continue
        return out

    def tracebacks(self) -> int:
        return len(self.traceback_texts())

    def traceback_texts(self) -> list[str]:
        """Each traceback of the server's log, with the line before it (what it was about)."""
        text = self.log.read_text(errors="replace")
        parts = text.split("Traceback (most recent call last):")
        out = []
        for before, part in zip(parts, parts[1:], strict=False):
            lines = part.splitlines()
            end = next(
                (i for i, line in enumerate(lines) if line and not line.startswith(" ")),
                len(lines) - 1,
            )
            context = before.rstrip().splitlines()[-1:] if before.strip() else []
            out.append(
                "\n".join([*context, "Traceback (most recent call last):", *lines[: end + 1]])
            )
        return out


def request(
    base: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- the driver (a separate process) -----------------------------------------------------------


def plan_for(unit_name: str) -> str:
    return PLAN.read_text(encoding="utf-8").replace("Administrativa avdelningen", unit_name)


class Driver:
    """What one driver process sends; every request is one record."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.base: str = spec["base"]
        self.tokens: dict[str, str] = spec["tokens"]
        self.units: dict[str, int] = spec["units"]
        self.plans = {u: plan_for(spec["unit_names"][u]) for u in UPLOADERS}
        self.check_body = plan_for(spec["unit_names"][CHECKER_USER]).encode()
        self.records: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def send(self, kind: str, rng: random.Random, due: float | None = None) -> None:
        started_wall = time.time()
        started = time.perf_counter()
        record: dict[str, Any] = {"kind": kind, "at": started_wall}
        user = CHECKER_USER
        body: bytes | None = None
        headers: dict[str, str] = {}
        if kind == "check":
            method, path, body = "POST", "/api/v1/checks?filename=plan.yaml", self.check_body
            headers["Content-Type"] = YAML
        elif kind == "upload":
            user = rng.choice(UPLOADERS)
            marker = uuid.uuid4().hex
            body = (self.plans[user] + f"\n# lastprov {marker}\n").encode()
            record["sha256"] = hashlib.sha256(body).hexdigest()
            record["user"] = user
            method, path = "POST", f"/api/v1/documents?unit={self.units[user]}&filename=plan.yaml"
            headers["Content-Type"] = YAML
        elif kind == "findings":
            user = rng.choice(READERS)
            method, path = "GET", "/api/v1/findings"
        else:
            user = rng.choice(READERS)
            method, path = "GET", f"/api/v1/documents?unit={self.units[rng.choice(UPLOADERS)]}"
        headers["Authorization"] = f"Bearer {self.tokens[user]}"
        try:
            status, answer = request(self.base, method, path, body, headers)
            record["status"] = status
            if kind == "upload" and status == 201:
                data = json.loads(answer)
                record["version"] = data["version"]["id"]
                record["stored_sha256"] = data["version"]["sha256"]
                record["job"] = data["job"]["id"]
        except (OSError, http.client.HTTPException) as exc:
            record["status"] = 0  # no answer: the connection failed or timed out
            record["error"] = f"{exc.__class__.__name__}: {exc}"[:200]
        record["ms"] = (time.perf_counter() - started) * 1000
        if due is None and record["status"] in (0, 503):
            time.sleep(BACKOFF)  # a client that backs off while the service is away
        if due is not None:  # open loop: from when it was due, not when a thread was free
            record["late_ms"] = (started_wall - due) * 1000
            record["ms_due"] = record["ms"] + max(0.0, record["late_ms"])
        with self.lock:
            self.records.append(record)

    def mixed(self, clients: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        kinds = list(MIX)
        weights = [MIX[k] for k in kinds]

        def client(n: int) -> None:
            rng = random.Random(f"{self.spec.get('index', 0)}-{n}")
            while time.monotonic() < deadline:
                self.send(rng.choices(kinds, weights)[0], rng)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def fixed_rate(self, rate: float, seconds: float, clients: int) -> None:
        """Self-checks due every 1/rate seconds, sent by a pool of `clients` threads."""
        rng = random.Random(0)
        start = time.time() + 0.2
        count = int(rate * seconds)
        with ThreadPoolExecutor(max_workers=clients) as pool:
            for i in range(count):
                due = start + i / rate
                wait = due - time.time()
                if wait > 0:
                    time.sleep(wait)
                pool.submit(self.send, "check", rng, due)


def drive_main(spec_path: str, out_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    driver = Driver(spec)
    if spec["mode"] == "mixed":
        driver.mixed(spec["clients"], spec["seconds"])
    else:
        driver.fixed_rate(spec["rate"], spec["seconds"], spec["clients"])
    Path(out_path).write_text(json.dumps(driver.records), encoding="utf-8")


def run_drivers(
    spec: dict[str, Any], processes: int, folder: Path, on_start: Callable[[], None] | None = None
) -> list[dict[str, Any]]:
    """The driver in `processes` separate processes (clients and rate shared among them); their
    records together."""
    procs = []
    outs = []
    for i in range(processes):
        part = dict(spec, index=i)
        if spec["mode"] == "mixed":
            part["clients"] = spec["clients"] // processes + (i < spec["clients"] % processes)
        else:
            part["rate"] = spec["rate"] / processes
            part["clients"] = max(1, spec["clients"] // processes)
        spec_file = folder / f"driver-{uuid.uuid4().hex[:6]}.json"
        spec_file.write_text(json.dumps(part), encoding="utf-8")
        out = spec_file.with_suffix(".out.json")
        outs.append(out)
        procs.append(
            subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--drive", str(spec_file), str(out)]
            )
        )
    if on_start is not None:
        on_start()
    records: list[dict[str, Any]] = []
    for proc, out in zip(procs, outs, strict=True):
        if proc.wait() != 0:
            raise RuntimeError(f"a driver process failed ({proc.returncode})")
        records += json.loads(out.read_text(encoding="utf-8"))
    return records


# --- what happened -----------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def statuses(records: list[dict[str, Any]]) -> str:
    counts = Counter(r["status"] for r in records)
    return ", ".join(f"{s or 'inget svar'}: {n}" for s, n in sorted(counts.items()))


def kind_table(records: list[dict[str, Any]], seconds: float) -> list[str]:
    lines = [
        "| kind | requests | per second | p50 ms | p99 ms | max ms | statuses |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_kind[r["kind"]].append(r)
    for kind in [*MIX, *sorted(set(by_kind) - set(MIX))]:
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        ms = [r["ms"] for r in rows]
        lines.append(
            f"| {kind} | {len(rows)} | {len(rows) / seconds:.1f} | {pct(ms, 0.5):.0f} | "
            f"{pct(ms, 0.99):.0f} | {max(ms):.0f} | {statuses(rows)} |"
        )
    ms = [r["ms"] for r in records]
    lines.append(
        f"| **all** | {len(records)} | {len(records) / seconds:.1f} | {pct(ms, 0.5):.0f} | "
        f"{pct(ms, 0.99):.0f} | {max(ms):.0f} | {statuses(records)} |"
    )
    return lines


@dataclass
class Ledger:
    """Every upload sent, checked against the database."""

    acknowledged: int = 0
    stored_once: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # another id, other bytes, no job or run
    unanswered: int = 0  # no answer, or 5xx: the client cannot know whether it was stored
    unanswered_stored: int = 0  # of them stored, whole
    unanswered_half: list[str] = field(default_factory=list)
    refused: int = 0  # 4xx: must not be stored
    refused_stored: list[str] = field(default_factory=list)
    drained_s: float = 0.0
    jobs_failed: int = 0

    @property
    def ok(self) -> bool:
        return not (
            self.missing
            or self.duplicated
            or self.wrong
            or self.unanswered_half
            or self.refused_stored
        )

    def lines(self) -> list[str]:
        return [
            f"- uploads acknowledged (201): **{self.acknowledged}**; stored exactly once (one "
            f"version with the hash sent and the id answered, its bytes, one job, one check "
            f"run): **{self.stored_once}**",
            f"- lost (acknowledged, not stored): **{len(self.missing)}**; duplicated: "
            f"**{len(self.duplicated)}**; stored otherwise than acknowledged: "
            f"**{len(self.wrong)}**",
            f"- uploads without an acknowledgement (no answer, or 5xx: the client cannot tell): "
            f"{self.unanswered}; of them stored anyway, whole: {self.unanswered_stored}; half "
            f"stored: **{len(self.unanswered_half)}**",
            f"- uploads refused (4xx): {self.refused}; of them stored: "
            f"**{len(self.refused_stored)}**",
            f"- queue drained {self.drained_s:.1f} s after the load; jobs failed: "
            f"{self.jobs_failed}",
        ]


def drain(url: str, seconds: float = 600) -> tuple[float, int]:
    """Wait until no job is unfinished (failed jobs aside); (seconds waited, jobs failed)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    started = time.monotonic()
    try:
        while True:
            with engine.connect() as conn:
                open_jobs = conn.execute(
                    text("SELECT count(*) FROM check_job WHERE finished_at IS NULL")
                ).scalar_one()
                failed = 0
                if url.startswith("postgresql"):
                    failed = conn.execute(
                        text(
                            "SELECT count(*) FROM check_job j JOIN procrastinate.procrastinate_jobs"
                            " q ON q.id = j.queue_id WHERE j.finished_at IS NULL"
                            " AND q.status IN ('failed', 'cancelled', 'aborted')"
                        )
                    ).scalar_one()
            if open_jobs - failed <= 0 or time.monotonic() - started > seconds:
                return time.monotonic() - started, failed
            time.sleep(0.5)
    finally:
        engine.dispose()


def verify(url: str, records: list[dict[str, Any]], drain_seconds: float = 600) -> Ledger:
    """Every upload the drivers sent, looked up by the hash of what was sent."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    ledger = Ledger()
    ledger.drained_s, ledger.jobs_failed = drain(url, drain_seconds)
    uploads = [r for r in records if r["kind"] == "upload"]
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            stored: dict[str, list[tuple[int, str]]] = defaultdict(list)
            for row in conn.execute(
                text("SELECT id, content_hash, original FROM document_version")
            ):
                stored[row.content_hash].append((row.id, hashlib.sha256(row.original).hexdigest()))
            jobs: dict[int, list[tuple[int, bool]]] = defaultdict(list)
            for row in conn.execute(
                text("SELECT id, version_id, finished_at FROM check_job WHERE reason = 'upload'")
            ):
                jobs[row.version_id].append((row.id, row.finished_at is not None))
            runs: Counter[tuple[int, int]] = Counter()
            for row in conn.execute(text("SELECT version_id, job_id FROM check_run")):
                runs[(row.version_id, row.job_id)] += 1
    finally:
        engine.dispose()

    def whole(version: int, sha: str, bytes_sha: str) -> bool:
        mine = jobs.get(version, [])
        return (
            bytes_sha == sha and len(mine) == 1 and mine[0][1] and runs[(version, mine[0][0])] == 1
        )

    for r in uploads:
        sha = r["sha256"]
        found = stored.get(sha, [])
        if r["status"] == 201:
            ledger.acknowledged += 1
            if not found:
                ledger.missing.append(sha)
            elif len(found) > 1:
                ledger.duplicated.append(sha)
            elif (
                found[0][0] != r["version"]
                or r.get("stored_sha256") != sha
                or not whole(found[0][0], sha, found[0][1])
            ):
                ledger.wrong.append(sha)
            else:
                ledger.stored_once += 1
        elif r["status"] == 0 or r["status"] >= 500:
            ledger.unanswered += 1
            if len(found) == 1 and whole(found[0][0], sha, found[0][1]):
                ledger.unanswered_stored += 1
            elif found:
                ledger.unanswered_half.append(sha)
        else:
            ledger.refused += 1
            if found:
                ledger.refused_stored.append(sha)
    return ledger


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{platform.machine()}, {os.cpu_count()} cores (shared with other work: load average "
        f"{load[0]:.1f} at the start), Python {platform.python_version()}"
    )


def rate_lines(runs: list[tuple[float, list[dict[str, Any]], float]]) -> list[str]:
    lines = [
        "| target /s | sent | answered /s (first due to last answer) | p50 ms | p99 ms | "
        "p99 from due ms | max ms | "
        "statuses |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for rate, records, _ in runs:
        ms = [r["ms"] for r in records]
        due = [r.get("ms_due", r["ms"]) for r in records]
        ok = sum(1 for r in records if r["status"] == 200)
        lines.append(
            f"| {rate:g} | {len(records)} | {ok / span(records):.1f} | {pct(ms, 0.5):.0f} | "
            f"{pct(ms, 0.99):.0f} | {pct(due, 0.99):.0f} | {max(ms):.0f} | {statuses(records)} |"
        )
    return lines


def span(records: list[dict[str, Any]]) -> float:
    """Seconds from the first request due to the last answer."""
    first = min(r["at"] - max(0.0, r.get("late_ms", 0.0)) / 1000 for r in records)
    return max(r["at"] + r["ms"] / 1000 for r in records) - first


def sustained(runs: list[tuple[float, list[dict[str, Any]], float]]) -> str:
    """The highest target rate answered in full with p99 (from due) under 100 ms."""
    best = None
    for rate, records, _ in runs:
        due = [r.get("ms_due", r["ms"]) for r in records]
        ok = sum(1 for r in records if r["status"] == 200)
        if (
            records
            and ok == len(records)
            and ok / span(records) >= 0.95 * rate
            and pct(due, 0.99) < 100
        ):
            best = rate if best is None else max(best, rate)
    if best is None:
        return "none of the rates tried was answered in full with p99 under 100 ms"
    return f"{best:g}/s (the highest rate tried that was answered in full with p99 under 100 ms)"


def main() -> int:
    clients = env_int("LOAD_CLIENTS", 50)
    seconds = env_int("LOAD_SECONDS", 60)
    workers = env_int("LOAD_WORKERS", 3)
    drivers = env_int("LOAD_DRIVERS", 2)
    job_workers = env_int("LOAD_JOB_WORKERS", 1)
    jobs = os.environ.get("LOAD_JOBS") or "queue"
    target = float(os.environ.get("LOAD_RATE") or 200)
    rates = [target] + [
        float(r) for r in (os.environ.get("LOAD_RATES") or "150,100,50,25").split(",") if r
    ]
    rate_seconds = env_int("LOAD_RATE_SECONDS", 20)
    base = server_url()
    started = datetime.now(UTC)
    header = machine()
    start_load = os.getloadavg()[0]
    print(f"make load: {clients} clients × {seconds} s, gunicorn {workers} workers, jobs {jobs}")
    with tempfile.TemporaryDirectory(prefix="styrkoll-load-") as tmp, own_database(base) as url:
        folder = Path(tmp)
        seeded = seed(url, folder)
        service = Service(url, folder, workers, jobs, job_workers)
        service.start()
        try:
            spec = {
                "base": service.base,
                "tokens": seeded.tokens,
                "units": seeded.units,
                "unit_names": seeded.unit_names,
            }
            # warm every worker (imports, the checker's engine process) before measuring
            run_drivers({**spec, "mode": "mixed", "clients": 2 * workers, "seconds": 5}, 1, folder)
            print("mixed load …", flush=True)
            mixed = run_drivers(
                {**spec, "mode": "mixed", "clients": clients, "seconds": seconds}, drivers, folder
            )
            print("checking every upload in the database …", flush=True)
            ledger = verify(url, mixed)
            rate_runs = []
            for rate in rates:
                print(f"self-checks at {rate:g}/s …", flush=True)
                records = run_drivers(
                    {
                        **spec,
                        "mode": "rate",
                        "rate": rate,
                        "seconds": rate_seconds,
                        "clients": max(8, min(200, int(rate))),
                    },
                    drivers,
                    folder,
                )
                rate_runs.append((rate, records, float(rate_seconds)))
                time.sleep(2)
        finally:
            service.stop()
        logged = service.logged_statuses()
        tracebacks = service.tracebacks()
    server_errors = {s: n for s, n in logged.items() if s >= 500}
    lines = [
        "# Load: the service on PostgreSQL under many clients",
        "",
        f"Written by `make load` (bench/load.py) on {started:%Y-%m-%d %H:%M} UTC; {header}.",
        f"gunicorn {workers} sync workers (as `make serve`), "
        + (
            f"{job_workers} `styrkoll worker` taking the queued checks"
            if jobs == "queue"
            else "uploads checked in the request (STYRKOLL_JOBS=inline)"
        )
        + f"; the drivers in {drivers} other processes on the same machine, over loopback. "
        "**Rate limits off** (STYRKOLL_RATE_CHECKS=0, STYRKOLL_RATE_UPLOADS=0: a few users "
        "make all the load) and the watchman off, as in production. A self-check is the defect "
        "plan (examples/akt-2012-brister/verksamhetsplan.yaml, 21 kB, 34 findings); an upload "
        "the same plan for the uploader's unit, made unique by a comment line.",
        "",
        f"## Mixed load: {clients} clients × {seconds} s (closed loop)",
        "",
        *kind_table(mixed, seconds),
        "",
        "Each client sends its next request as soon as the last is answered, so the latencies "
        f"include the wait for one of the {workers} workers.",
        "",
        "## Every acknowledged upload stored exactly once",
        "",
        *ledger.lines(),
        "",
        f"**{'Yes' if ledger.ok else 'NO'}**: "
        + (
            "every acknowledged upload is stored exactly once, and nothing half."
            if ledger.ok
            else "see the counts in bold above."
        ),
        "",
        f"## Self-checks at a fixed rate (open loop, {rate_seconds} s each)",
        "",
        *rate_lines(rate_runs),
        "",
        "p99 from due counts from when a request was due, so a server that falls behind is "
        "charged for the wait (no coordinated omission). Sustained with p99 under 100 ms: "
        + sustained(rate_runs)
        + ".",
        "",
        "## The machine",
        "",
        f"Load average (1 min) at the start {start_load:.1f}, at the end "
        f"{os.getloadavg()[0]:.1f}: the drivers, gunicorn, the worker and PostgreSQL share the "
        "cores with each other and with other work, so these figures say what this machine did "
        "then, not what the service does on a server of its own.",
        "",
        "## The server's own log",
        "",
        "Requests logged by the server, by status: "
        + ", ".join(f"{s}: {n}" for s, n in sorted(logged.items()))
        + f". Responses 5xx: **{sum(server_errors.values())}**; tracebacks: **{tracebacks}**.",
    ]
    text_out = "\n".join(lines) + "\n"
    RESULTS.write_text(text_out, encoding="utf-8")
    print(text_out)
    return 0 if ledger.ok and not server_errors and not tracebacks else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--drive":
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        drive_main(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
