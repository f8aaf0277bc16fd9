"""`make bench`: the web pages timed through Flask's test client (issue 12's targets: every page's
median under 100 ms; the controller overview under 300 ms with 500 units). Writes
bench/results-pages.md.

Every page that exists is timed on the demo data (login, start, self-check, my unit, a version, a
finding, the overview, the findings list, the exception queue, the catalogue, a rule, the audit
trail), then the overview (and, for information, the findings list and the audit trail) of an
administration of 500 units × 5 documents seeded as bench/bench_service.py seeds it. On a SQLite
file and, when `STYRKOLL_BENCH_DATABASE_URL` (or `STYRKOLL_TEST_DATABASE_URL`) names a reachable
PostgreSQL server, in a database of its own there. BENCH_UNITS sets fewer units (default 500);
BENCH_RUNS the timed requests per page (default 30). Measured here, never asserted in tests.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_service import p, postgresql, seed  # noqa: E402
from sqlalchemy import select  # noqa: E402

from checks.checker import Checker  # noqa: E402
from service import decisions  # noqa: E402
from service import findings as stored  # noqa: E402
from service.app import create_app  # noqa: E402
from service.db import DocumentVersion, FindingRow, User  # noqa: E402
from service.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from service.migrate import upgrade  # noqa: E402

RESULTS = ROOT / "bench" / "results-pages.md"
TARGET_MS = 100.0
OVERVIEW_TARGET_MS = 300.0


def log_in(client: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    form = client.get("/logga-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, "the login form has no CSRF token"
    answer = client.post(
        "/logga-in", data={"username": username, "password": password, "csrf_token": token[1]}
    )
    assert answer.status_code == 303, answer.status_code


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    for _ in range(2):  # templates compiled, caches warm
        fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def demo_app(url: str, checker: Checker) -> tuple[Any, dict[str, int]]:
    """The demo database, with one exception asked for by the unit (for the queue)."""
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CHECKER": checker})
    with app.extensions["styrkoll_sessions"]() as session:
        load_demo(session, checker)
        unit = session.execute(select(User).where(User.username == "enhet")).scalar_one()
        _total, found = stored.list_findings(session, stored.Filters(rule="R2"))
        row = session.get(FindingRow, found[0].id)
        version = session.get(DocumentVersion, found[0].version)
        assert row is not None and version is not None
        decisions.record(
            session,
            unit,
            version.series_id,
            row,
            "accepted_risk",
            "Risken bärs till nästa år.",
            date.today() + timedelta(days=90),
        )
        session.commit()
        ids = {"finding": found[0].id, "version": version.id, "unit": unit.org_unit_id or 0}
    return app, ids


def pages(ids: dict[str, int]) -> list[tuple[str, str, str | None]]:
    """(name, path, user: None for no login) of every page to time."""
    return [
        ("login", "/logga-in", None),
        ("start (controller)", "/", "controller"),
        ("self-check form", "/sjalvkontroll", "enhet"),
        ("my unit", "/min-enhet", "enhet"),
        ("a unit (controller)", f"/enheter/{ids['unit']}", "controller"),
        ("a version", f"/versioner/{ids['version']}", "enhet"),
        ("a finding", f"/fynd/{ids['finding']}", "enhet"),
        ("controller overview", "/oversikt", "controller"),
        ("findings list", "/fynd", "controller"),
        ("findings list, one unit, area and severity", "/fynd?unit={unit}&area=R&severity=fel",
         "controller"),
        ("exception queue", "/undantag", "controller2"),
        ("rule catalogue", "/regler", "enhet"),
        ("one rule (R3)", "/regler/R3", "enhet"),
        ("audit trail", "/granskningslogg", "revisor"),
        ("audit trail, the chain checked", "/granskningslogg/kontroll", "revisor"),
    ]  # fmt: skip


def row(name: str, values: list[float], target: float | None) -> str:
    median = statistics.median(values)
    if target is None:
        mark = "(no target)"
    else:
        mark = f"{'yes' if median < target else '**no**'} (< {target:.0f})"
    return f"| {name} | {median:.1f} | {p(values, 0.95):.1f} | {max(values):.1f} | {mark} |"


def measure_demo(label: str, url: str, checker: Checker, runs: int) -> list[str]:
    app, ids = demo_app(url, checker)
    clients: dict[str | None, Any] = {None: app.test_client()}
    lines = [
        f"### {label}: the demo data",
        "",
        "| page | median ms | p95 ms | max ms | under target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    missing = []
    for name, path, username in pages(ids):
        path = path.format(**ids)
        if username not in clients:
            clients[username] = app.test_client()
            log_in(clients[username], username)
        client = clients[username]
        first = client.get(path)
        if first.status_code in (301, 302, 303):  # my unit: the unit's own page
            path = first.headers["Location"]
            name = f"{name} (→ {path.split('?')[0]})"
            first = client.get(path)
        if first.status_code == 404 and path.split("?")[0] not in _routes(app):
            missing.append(f"{name} ({path})")
            continue
        assert first.status_code == 200, (path, first.status_code)
        lines.append(row(name, timed(lambda c=client, u=path: c.get(u), runs), TARGET_MS))
    if missing:
        lines += ["", "Not built yet, so not timed: " + ", ".join(missing) + "."]
    app.extensions["styrkoll_engine"].dispose()
    return [*lines, ""]


def _routes(app: Any) -> set[str]:
    """The paths the app serves (rules with their converters filled with a number)."""
    return {re.sub(r"<[^>]+>", "1", r.rule) for r in app.url_map.iter_rules()} | {
        r.rule for r in app.url_map.iter_rules()
    }


def measure_seeded(label: str, url: str, checker: Checker, units: int, runs: int) -> list[str]:
    started = time.perf_counter()
    app, _uploads, _token = seed(url, checker, units)
    seeded = time.perf_counter() - started
    client = app.test_client()
    log_in(client, "bench-controller", "bench-controller")
    auditor = app.test_client()
    log_in(auditor, "revisor")
    lines = [
        f"### {label}: {units} units × 5 documents",
        "",
        f"Seeded in {seeded:.0f} s (bench/bench_service.py's seed); the controller of the "
        f"administration of {units} units.",
        "",
        "| page | median ms | p95 ms | max ms | under target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, who, path, target in (
        ("controller overview", client, "/oversikt", OVERVIEW_TARGET_MS),
        ("controller overview, active findings", client, "/oversikt?status=active",
         OVERVIEW_TARGET_MS),
        ("findings list (first page of 50)", client, "/fynd", TARGET_MS),
        ("findings list, area R, errors", client, "/fynd?area=R&severity=fel", TARGET_MS),
        ("audit trail (first page of 50)", auditor, "/granskningslogg", TARGET_MS),
        ("audit trail, the chain checked (every entry)", auditor, "/granskningslogg/kontroll",
         None),
    ):  # fmt: skip
        answer = who.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        times = max(5, runs // 6) if target is None else runs  # the check reads every entry
        lines.append(row(name, timed(lambda w=who, u=path: w.get(u), times), target))
    size = len(client.get("/oversikt").get_data())
    lines += ["", f"The overview's HTML: {size / 1024:.0f} kB.", ""]
    app.extensions["styrkoll_engine"].dispose()
    return lines


def main() -> None:
    units = int(os.environ.get("BENCH_UNITS", "500"))
    runs = int(os.environ.get("BENCH_RUNS", "30"))
    lines = [
        "# Page benchmark",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}; `make bench` (bench/bench_pages.py). Each page requested "
        f"{runs} times through Flask's test client after two warm-up requests, logged in as the "
        "role that uses it; the time is the whole request (session, access, SQL, templates). "
        f"Targets (issue 12): every page's median under {TARGET_MS:.0f} ms; the controller "
        f"overview under {OVERVIEW_TARGET_MS:.0f} ms with 500 units. The medians are the "
        "measure: on a shared machine the p95 and max columns carry other processes' noise.",
        "",
    ]
    base = os.environ.get("STYRKOLL_BENCH_DATABASE_URL") or os.environ.get(
        "STYRKOLL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    with Checker() as checker, tempfile.TemporaryDirectory() as tmp:
        lines += measure_demo("SQLite (file)", f"sqlite:///{tmp}/demo.db", checker, runs)
        found = postgresql(base)
        if found is not None:
            url, drop = found
            try:
                lines += measure_demo("PostgreSQL", url, checker, runs)
            finally:
                drop()
        lines += measure_seeded("SQLite (file)", f"sqlite:///{tmp}/seeded.db", checker, units, runs)
        found = postgresql(base)
        if found is not None:
            url, drop = found
            try:
                lines += measure_seeded("PostgreSQL", url, checker, units, runs)
            finally:
                drop()
    RESULTS.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
