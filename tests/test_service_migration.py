"""Migration 0003 carries the findings stored before findings were kept whole: a database at
revision 0002 with findings in it, upgraded, loses nothing; read through the service they keep
their Swedish message and place and gain the rule's title, reference and remedy; downgraded
again, every row is as it was. Migration 0004 points every version at its latest run, and the
list of current findings read through the pointers is the one 0003's grouping gave. On SQLite
and (when configured) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import MetaData, create_engine, func, insert, select
from sqlalchemy.orm import sessionmaker

from checks.checker import Checker
from checks.dossier import load_target
from service.migrate import downgrade, upgrade
from tests.conftest import DEFECT_DOSSIER

OLD_COLUMNS = (
    "id",
    "run_id",
    "fingerprint",
    "rule_id",
    "severity",
    "message",
    "element",
    "path",
    "line",
    "change",
    "first_seen_at",
)


def _seed_0002(url: str, checker: Checker) -> list[dict[str, Any]]:
    """A database at 0002 with the defect dossier's plan findings, stored as 0002's service
    stored them (Swedish message and element label, path, line)."""
    upgrade(url, "0002")
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    t = meta.tables
    result = checker.check(load_target(DEFECT_DOSSIER))
    plan = [f for f in result.findings if f.document_kind == "verksamhetsplan"]
    assert len(plan) > 5
    seen = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(t["org_unit"]).values(id=1, name="Enheten", level="enhet"))
        conn.execute(
            insert(t["app_user"]).values(
                id=1, username="enhet", password_hash="x", role="enhet", org_unit_id=1, active=True
            )
        )
        conn.execute(
            insert(t["document_series"]).values(
                id=1, unit_id=1, year=2012, kind="verksamhetsplan", last_version=1
            )
        )
        conn.execute(
            insert(t["document_version"]).values(
                id=1,
                series_id=1,
                version=1,
                filename="verksamhetsplan.yaml",
                media_type="application/yaml",
                content_hash="0" * 64,
                original=b"dokument: verksamhetsplan\n",
                uploaded_by=1,
                uploaded_at=seen,
            )
        )
        conn.execute(
            insert(t["check_run"]).values(
                id=1,
                version_id=1,
                catalogue_version=result.catalogue_version,
                catalogue_hash=result.catalogue_hash,
                input_hash="0" * 64,
                duration_ms=3.5,
                outcomes=result.outcomes,
                created_at=seen,
            )
        )
        rows = [
            {
                "id": n,
                "run_id": 1,
                "fingerprint": f.fingerprint,
                "rule_id": f.rule_id,
                "severity": f.severity,
                "message": f.message,
                "element": f.element,
                "path": f.path,
                "line": f.line,
                "change": "new" if n % 2 else "persisting",
                "first_seen_at": seen,
            }
            for n, f in enumerate(plan, start=1)
        ]
        conn.execute(insert(t["finding"]), rows)
    engine.dispose()
    return rows


def _old_rows(url: str) -> list[dict[str, Any]]:
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        found = [
            dict(r._mapping)
            for r in conn.execute(select(meta.tables["finding"]).order_by("id")).all()
        ]
    engine.dispose()
    for row in found:  # SQLite gives the time back without its zone
        row["first_seen_at"] = row["first_seen_at"].replace(tzinfo=UTC)
    return [{k: row[k] for k in OLD_COLUMNS} for row in found]


def test_findings_stored_before_0003_lose_nothing(database_url: str, checker: Checker) -> None:
    from service.db import CheckRun, FindingRow
    from service.stored import findings_of_runs

    before = _seed_0002(database_url, checker)
    assert _old_rows(database_url) == before
    upgrade(database_url)
    engine = create_engine(database_url)
    catalogue = checker.catalogue
    with sessionmaker(engine)() as session:
        rows = session.execute(select(FindingRow).order_by(FindingRow.id)).scalars().all()
        assert [
            (
                r.id,
                r.run_id,
                r.fingerprint,
                r.rule_id,
                r.severity,
                r.legacy_message,
                r.element,
                r.path,
                r.line,
                r.change,
                r.first_seen_at.replace(tzinfo=UTC),
                r.document,
                r.document_kind,
            )
            for r in rows
        ] == [
            (
                b["id"],
                1,
                b["fingerprint"],
                b["rule_id"],
                b["severity"],
                b["message"],
                {"sv": b["element"]},
                b["path"],
                b["line"],
                b["change"],
                b["first_seen_at"],
                "verksamhetsplan.yaml",
                "verksamhetsplan",
            )
            for b in before
        ]
        run = session.get(CheckRun, 1)
        assert run is not None and run.unjudged == {} and run.dossier == {}
        for lang in ("sv", "en"):
            read = findings_of_runs(session, [1], lang)
            assert [f.fingerprint for f in read] == [b["fingerprint"] for b in before]
            for f, b in zip(read, before, strict=True):
                rule = catalogue.get(f.rule_id)
                assert rule is not None
                # the message was stored in Swedish only and is kept as it was
                assert (f.message, f.element, f.path, f.line) == (
                    b["message"],
                    b["element"],
                    b["path"],
                    b["line"],
                )
                assert f.title == rule.rule.title.get(lang)
                assert f.reference == rule.rule.reference.get(lang)
                assert f.remedy == rule.rule.remedy.get(lang)
                assert f.catalogue_hash == catalogue.content_hash and f.lang == lang
    engine.dispose()
    downgrade(database_url, "0002")
    assert _old_rows(database_url) == before


def test_downgrade_renders_whole_findings_as_swedish_messages(
    service_app: Any, database_url: str
) -> None:
    """Findings stored whole go back to 0002 as the Swedish message the checker gives."""
    from service.db import FindingRow
    from service.stored import findings_of_runs

    with service_app.extensions["styrkoll_sessions"]() as session:
        run_ids = sorted(set(session.execute(select(FindingRow.run_id)).scalars()))
        expected = {f.id: (f.message, f.element) for f in findings_of_runs(session, run_ids, "sv")}
    service_app.extensions["styrkoll_engine"].dispose()
    assert expected
    downgrade(database_url, "0002")
    old = {r["id"]: (r["message"], r["element"]) for r in _old_rows(database_url)}
    assert old == expected
    upgrade(database_url)


def _current_at_0003(conn: Any, t: dict[str, Any]) -> list[int]:
    """The current findings as the list chose them before 0004: the latest run (highest id) of
    the newest version of every series, grouped over whole tables."""
    v, r, f = t["document_version"], t["check_run"], t["finding"]
    newest = (
        select(v.c.series_id, func.max(v.c.version).label("n")).group_by(v.c.series_id).subquery()
    )
    latest = select(r.c.version_id, func.max(r.c.id).label("run")).group_by(r.c.version_id)
    latest_q = latest.subquery()
    return list(
        conn.execute(
            select(f.c.id)
            .join(latest_q, latest_q.c.run == f.c.run_id)
            .join(v, v.c.id == latest_q.c.version_id)
            .join(newest, (newest.c.series_id == v.c.series_id) & (newest.c.n == v.c.version))
            .order_by(v.c.id, f.c.id)
        ).scalars()
    )


def _without_id(row: Any) -> dict[str, Any]:
    return {k: v for k, v in row._mapping.items() if k != "id"}


def test_0004_points_every_version_at_its_latest_run(service_app: Any, database_url: str) -> None:
    """Upgraded from 0003, every version points at its run with the highest id (a later run of
    the newest version wins, one of an older version changes nothing), and the list of current
    findings is the one 0003's grouping gave."""
    from tests.test_service import bearer, tokens

    def listed() -> list[dict[str, Any]]:
        token = tokens(service_app)["revisor"]
        body = (
            service_app.test_client()
            .get("/api/v1/findings?per_page=500", headers=bearer(token))
            .json
        )
        assert body["total"] == len(body["findings"])
        found: list[dict[str, Any]] = body["findings"]
        return found

    before = listed()
    service_app.extensions["styrkoll_engine"].dispose()
    downgrade(database_url, "0003")
    engine = create_engine(database_url)
    meta = MetaData()
    meta.reflect(engine)
    t = meta.tables
    assert "latest_run_id" not in t["document_version"].c
    v, r, f = t["document_version"], t["check_run"], t["finding"]
    with engine.begin() as conn:
        assert _current_at_0003(conn, t) == [x["id"] for x in before]
        # the newest plan is checked again (same findings, a later run); and an older version
        # of it gets a run of its own after that, which is not current
        plan = conn.execute(
            select(v.c.id, v.c.series_id, v.c.version)
            .join(t["document_series"], t["document_series"].c.id == v.c.series_id)
            .where(t["document_series"].c.kind == "verksamhetsplan")
            .order_by(v.c.version.desc())
        ).all()
        assert len(plan) >= 2 and plan[0].series_id == plan[1].series_id
        copied: dict[int, int] = {}
        for version_id in (plan[0].id, plan[1].id):
            run = conn.execute(
                select(r).where(r.c.version_id == plan[0].id).order_by(r.c.id.desc()).limit(1)
            ).one()
            new_run = conn.execute(
                insert(r).values({**_without_id(run), "version_id": version_id}).returning(r.c.id)
            ).scalar_one()
            copied[version_id] = new_run
            for row in conn.execute(select(f).where(f.c.run_id == run.id).order_by(f.c.id)):
                conn.execute(insert(f).values({**_without_id(row), "run_id": new_run}))
        expected = _current_at_0003(conn, t)
        latest = dict(
            conn.execute(select(r.c.version_id, func.max(r.c.id)).group_by(r.c.version_id)).all()
        )
        versions = conn.execute(select(v.c.id)).scalars().all()
    assert expected != [x["id"] for x in before]  # the plan's copies are current
    assert len(expected) == len(before)
    engine.dispose()

    upgrade(database_url)
    engine = create_engine(database_url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        v = meta.tables["document_version"]
        pointers = dict(conn.execute(select(v.c.id, v.c.latest_run_id)).all())
    engine.dispose()
    assert pointers == {vid: latest.get(vid) for vid in versions}
    assert pointers[plan[0].id] == copied[plan[0].id] and pointers[plan[1].id] == copied[plan[1].id]
    after = listed()
    assert [x["id"] for x in after] == expected
    strip = ("id", "run", "change", "first_seen_at")
    assert [{k: x[k] for k in x if k not in strip} for x in after] == [
        {k: x[k] for k in x if k not in strip} for x in before
    ]


def test_0005_counts_every_runs_findings_by_severity(service_app: Any, database_url: str) -> None:
    """Upgraded from 0004, every run holds the number of its findings of each severity, as
    counted from the findings; downgraded, the columns are gone."""
    service_app.extensions["styrkoll_engine"].dispose()
    downgrade(database_url, "0004")
    engine = create_engine(database_url)
    meta = MetaData()
    meta.reflect(engine)
    assert "error_count" not in meta.tables["check_run"].c
    engine.dispose()
    upgrade(database_url)
    engine = create_engine(database_url)
    meta = MetaData()
    meta.reflect(engine)
    r, f = meta.tables["check_run"], meta.tables["finding"]
    with engine.connect() as conn:
        stored = {
            (row.id, severity): getattr(row, column)
            for row in conn.execute(select(r))
            for column, severity in (
                ("error_count", "fel"),
                ("warning_count", "varning"),
                ("info_count", "info"),
            )
        }
        counted = dict(
            ((run, severity), n)
            for run, severity, n in conn.execute(
                select(f.c.run_id, f.c.severity, func.count()).group_by(f.c.run_id, f.c.severity)
            )
        )
    engine.dispose()
    assert sum(stored.values()) == sum(counted.values()) > 0
    assert stored == {key: counted.get(key, 0) for key in stored}
