"""`make faults`: the service under load while things break, measured from outside.

The same server and drivers as `make load` (bench/load.py), with fewer clients for a shorter
time (FAULT_CLIENTS, default 20; FAULT_SECONDS, default 110), while the faults below are made
on purpose, one after the other:

PostgreSQL – a private instance of our own (initdb into a temporary folder with the Debian
binaries under /usr/lib/postgresql/*/bin, on a free port; run as the user postgres when this
runs as root), so that stopping and pausing it hurts nobody else's tests:
  - every connection of the service cut (pg_terminate_backend);
  - the database stopped for FAULT_DOWN seconds (default 8; `pg_ctl stop -m fast`) and started;
  - the database paused for FAULT_DOWN seconds (SIGSTOP to all its processes, then SIGCONT);
  - a gunicorn worker killed (SIGKILL), twice;
  - a `styrkoll worker` killed (SIGKILL) while the queue has work; a new one started, as a
    supervisor would (the other worker takes over the dead one's job after --stalled-after 5 s).

SQLite – its file on a filesystem of our own (a tmpfs, mounted here: needs root, otherwise this
part is skipped and says so):
  - a read-only disk: Linux refuses to make a filesystem with files open for writing read-only
    (EBUSY), so the server is stopped, the tmpfs remounted read-only and the server started on
    it; after FAULT_DOWN seconds it is remounted writable with the server running;
  - a full disk: the tmpfs filled to the last byte (a filler file) for FAULT_DOWN seconds, then
    the filler removed.

Expected, and checked: no response 500 at any time; while the database is away, 503 (with
Retry-After) or a wait, never a 500; the service back afterwards without a restart (the first
self-check, upload and read answered after each fault, and GET /readyz polled throughout); and
every acknowledged upload stored exactly once, nothing half stored. Writes
bench/results-faults.md (and prints it).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402  (bench/load.py: the server, the drivers and the ledger)

DOWN = float(os.environ.get("FAULT_DOWN") or 8)
CLIENTS = load.env_int("FAULT_CLIENTS", 20)
SECONDS = load.env_int("FAULT_SECONDS", 110)
WORKERS = load.env_int("FAULT_WORKERS", 3)
ROOT_USER = os.geteuid() == 0
RESULTS = load.ROOT / "bench" / "results-faults.md"
KINDS_BACK = {"check": 200, "upload": 201, "findings": 200, "documents": 200}


@dataclass
class Fault:
    name: str
    start: float
    end: float = 0.0
    notes: list[str] = field(default_factory=list)


class Timeline:
    """The faults made, in wall-clock time (the drivers' records are in the same clock)."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.t0 = time.time()

    def make(self, name: str, action: Callable[[Fault], None]) -> None:
        fault = Fault(name, time.time())
        print(f"  {fault.start - self.t0:5.1f} s: {name}", flush=True)
        try:
            action(fault)
        except Exception as exc:  # noqa: BLE001 - a fault that could not be made is reported
            fault.notes.append(f"could not be made: {exc.__class__.__name__}: {exc}")
        fault.end = max(time.time(), fault.start)
        self.faults.append(fault)

    def wait_until(self, offset: float) -> None:
        delay = self.t0 + offset - time.time()
        if delay > 0:
            time.sleep(delay)


class Poller(threading.Thread):
    """GET /readyz every 0.5 s: (wall time, status; 0 for no answer)."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.seen: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            at = time.time()
            try:
                status, _ = load.request(self.base, "GET", "/readyz", timeout=5)
            except OSError:
                status = 0
            self.seen.append((at, status))
            self.stopped.wait(0.5)


# --- PostgreSQL of our own ---------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL server of our own in a temporary folder, on a free port."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin = found[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="styrkoll-faults-pg-"))
        self.data = self.folder / "data"
        self.port = load.free_port()
        self.log = self.folder / "postgres.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if ROOT_USER else []
        if ROOT_USER:
            shutil.chown(self.folder, "postgres", "postgres")
        self.folder.chmod(0o755)

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, *args], check=True, capture_output=True, text=True, timeout=120
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
        )
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
            "-o", options, "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def processes(self) -> list[Any]:
        import psutil

        pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        main = psutil.Process(pid)
        return [main, *main.children(recursive=True)]

    def signal_all(self, sig: int) -> None:
        for proc in self.processes():
            try:
                proc.send_signal(sig)
            except Exception:  # noqa: BLE001 - a backend that has just ended
                continue

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        try:
            self.signal_all(signal.SIGCONT)
            self.stop("immediate")
        except Exception:  # noqa: BLE001 - already stopped
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


# --- SQLite on a filesystem of our own ---------------------------------------------------------


class Tmpfs:
    def __init__(self, where: Path, size_mb: int = 256) -> None:
        self.where = where
        where.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "styrkoll-faults", str(where)],
            check=True,
            capture_output=True,
        )

    def remount(self, mode: str) -> None:
        subprocess.run(
            ["mount", "-o", f"remount,{mode}", str(self.where)], check=True, capture_output=True
        )

    def fill(self) -> Path:
        filler = self.where / "filler"
        subprocess.run(
            ["dd", "if=/dev/zero", f"of={filler}", "bs=1M"], capture_output=True, check=False
        )
        return filler

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.where)], capture_output=True, check=False)


# --- what happened -----------------------------------------------------------------------------


def window_lines(
    records: list[dict[str, Any]], timeline: Timeline, poller: Poller, settle: float = 3.0
) -> list[str]:
    lines = [
        "| fault | at s | lasted s | requests during | statuses during | 500s | readyz during | "
        "back after s (check / upload / read) |",
        "| --- | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for fault in timeline.faults:
        during = [r for r in records if fault.start <= r["at"] <= fault.end + settle]
        ready = Counter(s for at, s in poller.seen if fault.start <= at <= fault.end + settle)
        back = []
        for kinds in (("check",), ("upload",), ("findings", "documents")):
            after = [
                r["at"] + r["ms"] / 1000
                for r in records
                if r["kind"] in kinds
                and r["at"] >= fault.end
                and r["status"] == KINDS_BACK[r["kind"]]
            ]
            back.append(f"{min(after) - fault.end:.1f}" if after else "never")
        fives = sum(1 for r in during if r["status"] == 500)
        note = f" ({'; '.join(fault.notes)})" if fault.notes else ""
        readyz = ", ".join(f"{s or 'inget svar'}: {n}" for s, n in sorted(ready.items()))
        lines.append(
            f"| {fault.name}{note} | {fault.start - timeline.t0:.1f} | "
            f"{fault.end - fault.start:.1f} | {len(during)} | {load.statuses(during)} | "
            f"{fives} | {readyz} | {' / '.join(back)} |"
        )
    return lines


@dataclass
class Part:
    title: str
    lines: list[str]
    ok: bool


def summary(
    title: str,
    description: str,
    records: list[dict[str, Any]],
    timeline: Timeline,
    poller: Poller,
    ledger: load.Ledger,
    service: load.Service,
    extra: list[str],
) -> Part:
    logged = service.logged_statuses()
    tracebacks = service.tracebacks()
    fives = sum(1 for r in records if r["status"] == 500) + logged.get(500, 0)
    never_back = [
        f.name
        for f in timeline.faults
        if not any(r["at"] >= f.end and r["status"] == KINDS_BACK[r["kind"]] for r in records)
    ]
    ok = ledger.ok and fives == 0 and not never_back and not tracebacks
    back = "yes" if not never_back else "NO: " + ", ".join(never_back)
    seconds = max(1.0, max((r["at"] for r in records), default=0) - timeline.t0)
    lines = [
        f"## {title}",
        "",
        description,
        "",
        *window_lines(records, timeline, poller),
        "",
        "All requests of the run:",
        "",
        *load.kind_table(records, seconds),
        "",
        *extra,
        *ledger.lines(),
        "",
        "Requests logged by the server, by status: "
        + ", ".join(f"{s}: {n}" for s, n in sorted(logged.items()))
        + f"; tracebacks in its log: {tracebacks}.",
        "",
        f"**{'Passed' if ok else 'FAILED'}**: responses 500: **{fives}**; every acknowledged "
        f"upload stored exactly once: **{'yes' if ledger.ok else 'NO'}**; back after every "
        f"fault without a restart: **{back}**; tracebacks: **{tracebacks}**.",
        "",
    ]
    for text in service.traceback_texts()[:3]:
        lines += ["A traceback from the server's log:", "", "```", text[-4000:], "```", ""]
    return Part(title, lines, ok)


def supervise(service: load.Service, notes: list[str], stalled_after: float) -> None:
    """Start a new `styrkoll worker` for each that has exited (as systemd's Restart= would)."""
    for proc in list(service.queue_workers):
        if proc.poll() is not None:
            service.queue_workers.remove(proc)
            notes.append(f"a styrkoll worker exited ({proc.returncode}) and was started again")
            service.start_job_worker(stalled_after)


def postgresql_part(folder: Path) -> Part:
    pg = PrivatePostgres()
    stalled_after = 5.0
    try:
        pg.init()
        load.admin_sql(pg.url(), 'CREATE DATABASE "styrkoll_faults"')
        url = pg.url("styrkoll_faults")
        seeded = load.seed(url, folder)
        service = load.Service(url, folder, WORKERS, "queue", 0)
        service.start()
        for _ in range(2):
            service.start_job_worker(stalled_after)
        spec = {
            "base": service.base,
            "tokens": seeded.tokens,
            "units": seeded.units,
            "unit_names": seeded.unit_names,
            "mode": "mixed",
            "clients": CLIENTS,
            "seconds": SECONDS,
        }
        load.run_drivers({**spec, "clients": 2 * WORKERS, "seconds": 5}, 1, folder)  # warm up
        poller = Poller(service.base)
        poller.start()
        timeline = Timeline()
        supervised: list[str] = []

        def cut(fault: Fault) -> None:
            load.admin_sql(
                pg.url(),
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = 'styrkoll_faults' AND pid <> pg_backend_pid()",
            )

        def restart(fault: Fault) -> None:
            pg.stop("fast")
            time.sleep(DOWN)
            pg.start()

        def pause(fault: Fault) -> None:
            pg.signal_all(signal.SIGSTOP)
            try:
                time.sleep(DOWN)
            finally:
                pg.signal_all(signal.SIGCONT)

        def kill_web(fault: Fault) -> None:
            pids = service.worker_pids()
            os.kill(pids[0], signal.SIGKILL)
            fault.notes.append(f"pid {pids[0]}")

        def kill_job_worker(fault: Fault) -> None:
            victim = service.queue_workers[0]
            waited = 0.0
            while waited < 10 and not queue_busy(url):
                time.sleep(0.2)
                waited += 0.2
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
            service.queue_workers.remove(victim)
            fault.notes.append("the queue had work" if queue_busy(url) else "the queue was idle")
            time.sleep(1)
            service.start_job_worker(stalled_after)

        def schedule() -> None:
            steps = [
                (10, "connections cut (pg_terminate_backend)", cut),
                (20, f"database stopped {DOWN:g} s and started (pg_ctl stop -m fast)", restart),
                (45, f"database paused {DOWN:g} s (SIGSTOP, SIGCONT)", pause),
                (70, "gunicorn worker killed (SIGKILL)", kill_web),
                (75, "gunicorn worker killed (SIGKILL)", kill_web),
                (85, "styrkoll worker killed (SIGKILL), a new one started", kill_job_worker),
            ]
            for offset, name, action in steps:
                timeline.wait_until(offset * SECONDS / 110)
                timeline.make(name, action)
                supervise(service, supervised, stalled_after)

        print("PostgreSQL: mixed load with faults …", flush=True)
        records = load.run_drivers(spec, load.env_int("LOAD_DRIVERS", 2), folder, schedule)
        supervise(service, supervised, stalled_after)
        poller.stopped.set()
        poller.join()
        print("checking every upload in the database …", flush=True)
        ledger = load.verify(url, records, drain_seconds=300)
        service.stop()
        extra = [f"- {n}" for n in supervised] + ([""] if supervised else [])
        description = (
            f"PostgreSQL {pg.bin.parent.name}, a private instance (so that stopping it hurts no "
            f"one else); gunicorn {WORKERS} sync workers and 2 `styrkoll worker` processes "
            f"(--stalled-after {stalled_after:g}); {CLIENTS} clients × {SECONDS} s of the mixed "
            "load (self-checks, uploads, reads) from other processes over loopback. Requests "
            "'during' a fault are those sent from its start to 3 s after its end."
        )
        return summary(
            "PostgreSQL: the database restarted and paused, workers killed",
            description,
            records,
            timeline,
            poller,
            ledger,
            service,
            extra,
        )
    finally:
        pg.destroy()


def queue_busy(url: str) -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT count(*) FROM check_job WHERE finished_at IS NULL")
                ).scalar_one()
            )
    except Exception:  # noqa: BLE001 - the database away: not known to be busy
        return False
    finally:
        engine.dispose()


def sqlite_part(folder: Path) -> Part:
    if not ROOT_USER:
        return Part(
            "SQLite: a read-only and a full disk",
            [
                "## SQLite: a read-only and a full disk",
                "",
                "Skipped: mounting a filesystem of our own (tmpfs) needs root, and a file "
                "made read-only with chmod does not stop a process that has it open.",
                "",
            ],
            True,
        )
    disk = Tmpfs(folder / "sqlite-disk")
    try:
        url = f"sqlite:///{disk.where / 'styrkoll.db'}"
        instance = folder / "sqlite-instance"
        instance.mkdir()
        seeded = load.seed(url, instance)
        service = load.Service(url, instance, WORKERS, "inline", 0)
        service.start()
        spec = {
            "base": service.base,
            "tokens": seeded.tokens,
            "units": seeded.units,
            "unit_names": seeded.unit_names,
            "mode": "mixed",
            "clients": CLIENTS,
            "seconds": max(40, SECONDS // 2),
        }
        load.run_drivers({**spec, "clients": 2 * WORKERS, "seconds": 5}, 1, folder)
        poller = Poller(service.base)
        poller.start()
        timeline = Timeline()

        def read_only(fault: Fault) -> None:
            service.stop()  # Linux makes no filesystem read-only with files open for writing
            disk.remount("ro")
            service.gunicorn = None
            service.start_unready()
            waited = time.monotonic()
            while time.monotonic() - waited < 90:  # the server up on the read-only disk
                try:
                    if load.request(service.base, "GET", "/healthz", timeout=5)[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)
            fault.notes.append(f"server up on it after {time.monotonic() - waited:.1f} s")
            time.sleep(DOWN)
            disk.remount("rw")

        def full(fault: Fault) -> None:
            filler = disk.fill()
            fault.notes.append(f"filler {filler.stat().st_size >> 20} MiB")
            time.sleep(DOWN)
            filler.unlink()

        def schedule() -> None:
            timeline.wait_until(8)
            timeline.make(f"read-only disk {DOWN:g} s (server started on it)", read_only)
            timeline.wait_until(28)
            timeline.make(f"full disk {DOWN:g} s", full)

        print("SQLite: mixed load with a read-only and a full disk …", flush=True)
        records = load.run_drivers(spec, load.env_int("LOAD_DRIVERS", 2), folder, schedule)
        poller.stopped.set()
        poller.join()
        ledger = load.verify(url, records, drain_seconds=30)
        service.stop()
        description = (
            "SQLite in a file on a tmpfs of our own (256 MiB); gunicorn "
            f"{WORKERS} sync workers, uploads checked in the request; {CLIENTS} clients × "
            f"{spec['seconds']} s of the mixed load. Read-only: the server is stopped (its "
            "clients get no answer meanwhile), the tmpfs remounted read-only and the server "
            f"started on it; {DOWN:g} s later the tmpfs is remounted writable, the server "
            "running on. Full: a filler file takes every free byte, then is removed."
        )
        return summary(
            "SQLite: a read-only and a full disk",
            description,
            records,
            timeline,
            poller,
            ledger,
            service,
            [],
        )
    finally:
        disk.unmount()


def main() -> int:
    started = datetime.now(UTC)
    header = load.machine()
    parts = []
    with tempfile.TemporaryDirectory(prefix="styrkoll-faults-") as tmp:
        folder = Path(tmp)
        pg_folder = folder / "pg"
        pg_folder.mkdir()
        chosen = (os.environ.get("FAULT_PARTS") or "postgresql,sqlite").split(",")
        if "postgresql" in chosen:
            parts.append(postgresql_part(pg_folder))
        if "sqlite" in chosen:
            parts.append(sqlite_part(folder))
    lines = [
        "# Faults: the service under load while things break",
        "",
        f"Written by `make faults` (bench/faults.py) on {started:%Y-%m-%d %H:%M} UTC; {header}. "
        "Rate limits off (STYRKOLL_RATE_CHECKS=0, STYRKOLL_RATE_UPLOADS=0) and the watchman "
        "off, as in `make load`. 'inget svar' counts requests that got no answer (the "
        "connection refused, reset or timed out); 'back after' is from the end of a fault to "
        "the first answer of that kind that succeeded.",
        "",
    ]
    for part in parts:
        lines += part.lines
    text_out = "\n".join(lines).rstrip() + "\n"
    RESULTS.write_text(text_out, encoding="utf-8")
    print(text_out)
    return 0 if all(p.ok for p in parts) else 1


if __name__ == "__main__":
    sys.exit(main())
