"""`make bench`: `styrkoll recheck` of 10,000 stored documents (2,000 units × the five documents
of the defect dossier) on PostgreSQL, its jobs done by 1, 2 and 4 `styrkoll worker` processes
(issue 15); and, for comparison with the issue's 122 s for 2,000 documents, the same re-check of
2,000 documents on SQLite in one process (inline). Writes bench/results-recheck.md.

The documents are seeded by inserting their versions directly – each template read once, its
original and validated model given the unit's name – not through HTTP. A first re-check gives
every document a run; the measured ones then compare with a previous run, as after a catalogue
change. BENCH_RECHECK_DOCS sets fewer documents (a multiple of five; default 10000),
BENCH_RECHECK_WORKERS the worker counts (default "1 2 4"), BENCH_RECHECK_SQLITE_DOCS the SQLite
comparison (default 2000; 0: none). PostgreSQL: STYRKOLL_BENCH_DATABASE_URL or
STYRKOLL_TEST_DATABASE_URL (a database of its own is made there and dropped). Measured here,
never asserted in unit tests.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from checks.checker import Checker  # noqa: E402
from service import store  # noqa: E402
from service.db import (  # noqa: E402
    CheckJob,
    CheckRun,
    DocumentSeries,
    DocumentVersion,
    OrgUnit,
    User,
)
from service.demo import load_demo  # noqa: E402
from service.migrate import upgrade  # noqa: E402

DOSSIER = ROOT / "examples" / "akt-2012-brister"
FILES = (
    "verksamhetsplan.yaml",
    "riskanalys.yaml",
    "internkontrollplan.yaml",
    "tjansteutlatande.yaml",
    "arsrapport.yaml",
)
TEMPLATE_UNIT = "Administrativa avdelningen"
RESULTS = ROOT / "bench" / "results-recheck.md"
YEAR = 2012


def seed(url: str, units: int) -> float:
    """Migrate, add the demo users and `units` units with five stored documents each; seconds."""
    from sqlalchemy.orm import sessionmaker

    from service.app import make_engine

    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    with sessionmaker(engine)() as session, Checker(isolated=False) as checker:
        load_demo(session, checker, with_documents=False)
        board = session.execute(select(OrgUnit).where(OrgUnit.level == "nämnd")).scalar_one()
        admin_org = OrgUnit(name="Benchförvaltningen", level="förvaltning", parent_id=board.id)
        session.add(admin_org)
        session.flush()
        uploader = session.execute(select(User.id).where(User.username == "enhet")).scalar_one()
        admin_id = admin_org.id
        session.commit()
    templates = []
    for name in FILES:
        raw = (DOSSIER / name).read_text(encoding="utf-8")
        loaded = store.parse_upload(raw.encode(), name)
        templates.append((name, loaded.kind, raw, store.validated_fields(loaded)))
    with engine.begin() as conn:
        for first in range(0, units, 500):
            names = [f"Enhet {n:05d}" for n in range(first, min(units, first + 500))]
            ids = conn.execute(
                insert(OrgUnit).returning(OrgUnit.id, sort_by_parameter_order=True),
                [{"name": n, "level": "enhet", "parent_id": admin_id} for n in names],
            ).scalars()
            pairs = list(zip(ids, names, strict=True))
            series = conn.execute(
                insert(DocumentSeries).returning(DocumentSeries.id, sort_by_parameter_order=True),
                [
                    {"unit_id": uid, "year": YEAR, "kind": kind, "last_version": 1}
                    for uid, _ in pairs
                    for _, kind, _, _ in templates
                ],
            ).scalars()
            rows = []
            for series_id, ((_, unit), (name, _, raw, fields)) in zip(
                series, [(p, t) for p in pairs for t in templates], strict=True
            ):
                original = raw.replace(TEMPLATE_UNIT, unit).encode()
                rows.append(
                    {
                        "series_id": series_id,
                        "version": 1,
                        "filename": name,
                        "media_type": "application/yaml",
                        "content_hash": hashlib.sha256(original).hexdigest(),
                        "original": original,
                        "uploaded_by": uploader,
                        "validated": fields["validated"].replace(TEMPLATE_UNIT, unit),
                        "validated_lines": fields["validated_lines"],
                        "validated_by": fields["validated_by"],
                    }
                )
            conn.execute(insert(DocumentVersion), rows)
    engine.dispose()
    return time.perf_counter() - started


def recheck(url: str, workers: int) -> tuple[float, float, int]:
    """Enqueue the year's re-check (one job per unit) and let `workers` worker processes do it;
    seconds to enqueue, seconds until every job is done, runs stored."""
    env = {**os.environ, "DATABASE_URL": url, "STYRKOLL_JOBS": "queue"}
    env.pop("STYRKOLL_WATCH", None)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        before = conn.execute(select(func.count()).select_from(CheckRun)).scalar_one()
    started = time.perf_counter()
    queued = subprocess.run(
        [sys.executable, "-m", "checks.cli", "recheck", "--year", str(YEAR), "--no-wait"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    enqueued = time.perf_counter() - started
    assert "jobb i kön" in queued.stdout, queued.stdout
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "checks.cli", "worker", "--until-idle"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    for proc in procs:
        assert proc.wait() == 0
    worked = time.perf_counter() - started
    with engine.begin() as conn:
        left = conn.execute(
            select(func.count()).select_from(CheckJob).where(CheckJob.finished_at.is_(None))
        ).scalar_one()
        after = conn.execute(select(func.count()).select_from(CheckRun)).scalar_one()
    engine.dispose()
    assert left == 0, f"{left} jobs not done"
    return enqueued, worked, after - before


def sqlite_inline(docs: int) -> list[str]:
    """`styrkoll recheck` on SQLite: one process, the jobs one after the other."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        seeded = seed(url, docs // len(FILES))
        env = {**os.environ, "DATABASE_URL": url, "STYRKOLL_JOBS": "inline"}
        env.pop("STYRKOLL_WATCH", None)
        times = []
        for _ in range(2):  # the first gives every document a run, the second compares with it
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "checks.cli", "recheck", "--year", str(YEAR)],
                env=env,
                stdout=subprocess.DEVNULL,
                check=True,
            )
            times.append(time.perf_counter() - started)
    return [
        "### SQLite, one process (inline)",
        "",
        f"Seeded {docs} documents in {seeded:.0f} s. `styrkoll recheck --year {YEAR}`: first "
        f"{times[0]:.1f} s ({docs / times[0]:.0f} documents/s), again {times[1]:.1f} s "
        f"({docs / times[1]:.0f} documents/s). The issue measured 122 s (16 documents/s) for "
        "2,000 documents before the validated models.",
        "",
    ]


def postgresql(base: str) -> tuple[str, Callable[[], None]]:
    name = f"styrkoll_bench_recheck_{uuid.uuid4().hex[:10]}"
    admin: Engine = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def machine(url: str) -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        version = str(conn.execute(text("SHOW server_version")).scalar_one())
    engine.dispose()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), load average {load} at the start (other sessions share "
        f"the machine), Python {platform.python_version()}, PostgreSQL {version} on the same "
        "machine"
    )


def main() -> None:
    docs = int(os.environ.get("BENCH_RECHECK_DOCS", "10000"))
    counts = [int(n) for n in os.environ.get("BENCH_RECHECK_WORKERS", "1 2 4").split()]
    sqlite_docs = int(os.environ.get("BENCH_RECHECK_SQLITE_DOCS", "2000"))
    units = docs // len(FILES)
    base = os.environ.get("STYRKOLL_BENCH_DATABASE_URL") or os.environ.get(
        "STYRKOLL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    url, drop = postgresql(base)
    lines = [
        "# Re-check benchmark",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}; `make bench` "
        f"(bench/bench_recheck.py), one run. {machine(url)}.",
        "",
        f"`styrkoll recheck --year {YEAR} --no-wait` queues one job per unit; `styrkoll worker "
        "--until-idle` processes (each one job at a time, its checker's engine in a process of "
        "its own) do them. A job loads its unit's dossier from the validated models, checks it "
        "once, stores a run per document with its findings and audit entries, and commits.",
        "",
        "### PostgreSQL, the queue",
        "",
    ]
    try:
        seeded = seed(url, units)
        lines.append(
            f"Seeded {units} units × {len(FILES)} documents = {units * len(FILES)} documents "
            f"in {seeded:.0f} s (inserted directly)."
        )
        first = recheck(url, max(counts))
        lines += [
            f"First re-check (no earlier runs), {max(counts)} workers: {first[1]:.1f} s.",
            "",
            "| workers | queue the jobs s | all jobs done s | documents | documents/s |",
            "| ---: | ---: | ---: | ---: | ---: |",
        ]
        for n in counts:
            enqueued, worked, runs = recheck(url, n)
            total = enqueued + worked
            lines.append(f"| {n} | {enqueued:.1f} | {worked:.1f} | {runs} | {runs / total:.0f} |")
            print(lines[-1], flush=True)
        lines.append("")
    finally:
        drop()
    if sqlite_docs:
        lines += sqlite_inline(sqlite_docs)
    RESULTS.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
