"""The committee's reports at scale (issue 13): an administration seeded with enough units (the
defect dossier's five documents each) for at least BENCH_FINDINGS current findings (default
10,000); then, through the API as a revisor would ask, the export of all of them as Excel, CSV
and JSON (time and size), the committee summary (JSON and PDF) and the administration's
internal-control report (JSON and PDF). On a SQLite file and, when `STYRKOLL_BENCH_DATABASE_URL`
(or `STYRKOLL_TEST_DATABASE_URL`) names a reachable PostgreSQL server, in a database of its own
there. Writes bench/results-reports.md. Measured here, never asserted in unit tests.

    .venv/bin/python bench/bench_reports.py            (BENCH_FINDINGS=2000 for a quick run)
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_service import postgresql  # noqa: E402  (bench/ is the script's folder)
from sqlalchemy import func, select  # noqa: E402

from checks.checker import Checker  # noqa: E402
from service import store  # noqa: E402
from service.app import create_app  # noqa: E402
from service.auth import new_token  # noqa: E402
from service.db import FindingRow, OrgUnit, User  # noqa: E402
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
RESULTS = ROOT / "bench" / "results-reports.md"


def seed(url: str, checker: Checker, target: int) -> tuple[Any, str, int, int, int]:
    """Migrate, load the demo organisation, add an administration and upload the five
    documents of as many units as `target` findings need; returns the app, a revisor's token,
    the committee's and the administration's ids and the number of units."""
    upgrade(url)
    config = {"TESTING": True, "DATABASE_URL": url, "CHECKER": checker, "JOBS": "inline"}
    app = create_app(config)
    factory = app.extensions["styrkoll_sessions"]
    texts = {name: (DOSSIER / name).read_text(encoding="utf-8") for name in FILES}
    with factory() as session:
        load_demo(session, checker, with_documents=False)
        board = session.execute(select(OrgUnit).where(OrgUnit.level == "nämnd")).scalar_one()
        admin_org = OrgUnit(name="Benchförvaltningen", level="förvaltning", parent_id=board.id)
        session.add(admin_org)
        session.flush()
        uploader = session.execute(select(User).where(User.username == "enhet")).scalar_one()
        revisor = session.execute(select(User).where(User.username == "revisor")).scalar_one()
        token = new_token(session, revisor)
        session.commit()
        per_unit, units = 0, 0
        while units == 0 or units < math.ceil(target / per_unit):
            unit = OrgUnit(name=f"Enhet {units:04d}", level="enhet", parent_id=admin_org.id)
            session.add(unit)
            session.flush()
            for name in FILES:
                raw = texts[name].replace("Administrativa avdelningen", unit.name).encode()
                store.store_version(session, checker, uploader, unit, raw, name, "application/yaml")
            session.commit()
            units += 1
            if units == 1:  # every unit's dossier gives as many findings as the first
                per_unit = current_findings(app)
        return app, token, board.id, admin_org.id, units


def current_findings(app: Any) -> int:
    with app.extensions["styrkoll_sessions"]() as session:
        from service.findings import Filters
        from service.reports.scope import count_findings

        return count_findings(session, Filters(year=2012))


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    out, last = [], None
    for _ in range(runs):
        started = time.perf_counter()
        last = fn()
        out.append((time.perf_counter() - started) * 1000)
    return out, last


def measure(name: str, url: str, checker: Checker, target: int) -> list[str]:
    started = time.perf_counter()
    app, token, committee, administration, units = seed(url, checker, target)
    seeded = time.perf_counter() - started
    with app.extensions["styrkoll_sessions"]() as session:
        stored = session.execute(select(func.count()).select_from(FindingRow)).scalar_one()
    findings = current_findings(app)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    lines = [
        f"### {name}",
        "",
        f"Seeded {units} units × {len(FILES)} documents in {seeded:.0f} s: {findings} current "
        f"findings of 2012 ({stored} stored, with the runs before each upload's).",
        "",
        "| what | runs | median ms | max ms | size |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    asks = [
        (f"export of all {findings} findings, Excel", "/api/v1/exports/findings.xlsx?year=2012", 3),
        (f"export of all {findings} findings, CSV", "/api/v1/exports/findings.csv?year=2012", 3),
        (f"export of all {findings} findings, JSON", "/api/v1/exports/findings.json?year=2012", 3),
        ("export of the decisions, Excel", "/api/v1/exports/decisions.xlsx?year=2012", 3),
        ("committee summary, JSON", f"/api/v1/reports/summary?committee={committee}&year=2012", 3),
        (
            "committee summary, PDF",
            f"/api/v1/reports/summary.pdf?committee={committee}&year=2012",
            2,
        ),  # noqa: E501
        (
            "one chart, SVG",
            f"/api/v1/reports/chart.svg?committee={committee}&year=2012&chart=enheter",
            3,
        ),  # noqa: E501
        (
            "control report, JSON",
            f"/api/v1/reports/control?administration={administration}&year=2012",
            2,
        ),  # noqa: E501
        (
            "control report, PDF (at most 300 findings listed)",
            f"/api/v1/reports/control.pdf?administration={administration}&year=2012",
            1,
        ),  # noqa: E501
    ]
    for label, path, runs in asks:
        values, response = timed(lambda path=path: client.get(path, headers=headers), runs)
        assert response.status_code == 200, (path, response.status_code, response.data[:300])
        size = len(response.data)
        lines.append(
            f"| {label} | {runs} | {statistics.median(values):.0f} | {max(values):.0f} | "
            f"{size / 1024:,.0f} kB |"
        )
        if path.startswith("/api/v1/exports/findings.json"):
            assert response.json["total"] == findings, "the export holds every finding"
    lines.append("")
    app.extensions["styrkoll_engine"].dispose()
    return lines


def main() -> None:
    target = int(os.environ.get("BENCH_FINDINGS", "10000"))
    lines = [
        "# Reports benchmark",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores (shared, load average "
        f"{os.getloadavg()[0]:.1f} at the start); bench/bench_reports.py. Each "
        "time is one request through the API's test client as a revisor (who reads every unit): "
        "the query, the rendering of every finding in Swedish and the file.",
        "",
    ]
    with Checker() as checker, tempfile.TemporaryDirectory() as tmp:
        lines += measure("SQLite (file)", f"sqlite:///{tmp}/bench.db", checker, target)
        base = os.environ.get("STYRKOLL_BENCH_DATABASE_URL") or os.environ.get(
            "STYRKOLL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
        found = postgresql(base)
        if found is not None:
            url, drop = found
            try:
                lines += measure("PostgreSQL", url, checker, target)
            finally:
                drop()
    RESULTS.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
