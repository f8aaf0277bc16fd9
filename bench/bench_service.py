"""`make bench`: the service seeded with 500 units × 5 documents (issue 11): the time of an
upload and its check, and of `GET /api/v1/findings` for a whole administration; on a SQLite file
and, when `STYRKOLL_BENCH_DATABASE_URL` (or `STYRKOLL_TEST_DATABASE_URL`) names a reachable
PostgreSQL server, in a database of its own there. Writes bench/results-service.md.

BENCH_UNITS sets fewer units (default 500). Measured here, never asserted in unit tests.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from checks.checker import Checker  # noqa: E402
from service import store  # noqa: E402
from service.app import create_app  # noqa: E402
from service.auth import hash_password, new_token  # noqa: E402
from service.db import OrgUnit, User  # noqa: E402
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
RESULTS = ROOT / "bench" / "results-service.md"
LISTS = (
    ("första sidan (50)", "/api/v1/findings"),
    ("sida 40", "/api/v1/findings?page=40"),
    ("fel, aktiva, 2012", "/api/v1/findings?severity=fel&status=active&year=2012"),
    ("en regel, engelska", "/api/v1/findings?rule=R3&lang=en&per_page=500"),
)


def seed(url: str, checker: Checker, units: int) -> tuple[Any, list[float], str]:
    """Migrate, load the demo users, add an administration of `units` units and upload the five
    documents of each; returns the app, the upload times (ms) and a controller's token."""
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CHECKER": checker})
    factory = app.extensions["styrkoll_sessions"]
    texts = {name: (DOSSIER / name).read_text(encoding="utf-8") for name in FILES}
    times: list[float] = []
    with factory() as session:
        load_demo(session, checker, with_documents=False)
        board = session.execute(select(OrgUnit).where(OrgUnit.level == "nämnd")).scalar_one()
        admin_org = OrgUnit(name="Benchförvaltningen", level="förvaltning", parent_id=board.id)
        session.add(admin_org)
        session.flush()
        uploader = session.execute(select(User).where(User.username == "enhet")).scalar_one()
        controller = User(
            username="bench-controller",
            password_hash=hash_password("bench-controller"),
            role="controller",
            org_unit_id=admin_org.id,
        )
        session.add(controller)
        session.flush()
        token = new_token(session, controller)
        session.commit()
        for n in range(units):
            unit = OrgUnit(name=f"Enhet {n:03d}", level="enhet", parent_id=admin_org.id)
            session.add(unit)
            session.flush()
            for name in FILES:
                raw = texts[name].replace("Administrativa avdelningen", unit.name).encode()
                started = time.perf_counter()
                store.store_version(session, checker, uploader, unit, raw, name, "application/yaml")
                session.commit()
                times.append((time.perf_counter() - started) * 1000)
    return app, times, token


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(name: str, url: str, checker: Checker, units: int) -> list[str]:
    started = time.perf_counter()
    app, uploads, token = seed(url, checker, units)
    seeded_s = time.perf_counter() - started
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    lines = [
        f"### {name}",
        "",
        f"Seeded {units} units × {len(FILES)} documents in {seeded_s:.0f} s.",
        "",
        "| measure | median ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: |",
        f"| upload and check (one document, its dossier checked once) | "
        f"{statistics.median(uploads):.1f} | {p(uploads, 0.95):.1f} | {max(uploads):.1f} |",
    ]
    first = uploads[: len(FILES)]
    last = uploads[-len(FILES) :]
    total = 0
    for label, path in LISTS:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.json
        total = max(total, response.json["total"])
        values = timed(lambda path=path: client.get(path, headers=headers), 30)
        lines.append(
            f"| GET findings, whole administration: {label} | {statistics.median(values):.1f} | "
            f"{p(values, 0.95):.1f} | {max(values):.1f} |"
        )
    lines += [
        "",
        f"Findings in the administration: {total}. Upload and check of the first unit "
        f"{statistics.median(first):.1f} ms, of the last {statistics.median(last):.1f} ms "
        f"(ratio {statistics.median(last) / statistics.median(first):.2f}: independent of the "
        "other units).",
        "",
    ]
    app.extensions["styrkoll_engine"].dispose()
    return lines


def postgresql(base: str) -> tuple[str, Callable[[], None]] | None:
    """A database of our own on the server, or None when it is not reachable."""
    name = f"styrkoll_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means no PostgreSQL here
        print(f"PostgreSQL nås inte ({exc.__class__.__name__}): mäter bara SQLite")
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    units = int(os.environ.get("BENCH_UNITS", "500"))
    lines = [
        "# Service benchmark",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}; `make bench` (bench/bench_service.py). The upload time includes "
        "parsing, the check of the unit's dossier (five documents) in the worker process, "
        "storing the runs and findings and the commit.",
        "",
    ]
    with Checker() as checker, tempfile.TemporaryDirectory() as tmp:
        lines += measure("SQLite (file)", f"sqlite:///{tmp}/bench.db", checker, units)
        base = os.environ.get("STYRKOLL_BENCH_DATABASE_URL") or os.environ.get(
            "STYRKOLL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
        found = postgresql(base)
        if found is not None:
            url, drop = found
            try:
                lines += measure("PostgreSQL", url, checker, units)
            finally:
                drop()
    RESULTS.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
