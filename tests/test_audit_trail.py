"""An audit trail an auditor can trust (issue 14, item 3), on SQLite and PostgreSQL: every way of
tampering the issue names is found by `styrkoll audit verify` – the last entry, the last hundred
or every entry deleted, the chain rewritten with recomputed hashes, a version's content hash
changed, a decision's entry removed – and an untouched database verifies in Stockholm time, also
with entries stamped in the spring daylight-saving hour and entries an earlier release stored
while its session was in Stockholm time (put back by migration 0007)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import create_engine, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service import audit
from service.checkpoints import TRAIL, Trail
from service.db import AuditEntry, DocumentVersion
from service.migrate import upgrade
from tests.test_service import bearer, tokens

STOCKHOLM = "Europe/Stockholm"
# around the spring change in Stockholm (2026-03-29 01:00 UTC: 02:00 CET -> 03:00 CEST), the
# autumn one (2026-10-25 01:00 UTC), and a local time in the hour spring skips
STAMPS = [
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=UTC),
    datetime(2026, 3, 29, 2, 30, tzinfo=UTC),  # as naive text: in the local gap
    datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo(STOCKHOLM)),  # a local time that never was
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 2, 30, tzinfo=UTC),
]


@pytest.fixture
def trail_app(
    service_app: Flask, database_url: str, checker: Any, tmp_path: Path
) -> Iterator[Flask]:
    """The app on this test's copy of the demo database with its own instance folder: its
    checkpoints and key there, where `styrkoll audit verify` finds them (STYRKOLL_INSTANCE)."""
    from service.app import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "CHECKER": checker,
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    yield app
    app.extensions["styrkoll_engine"].dispose()


def verify_cli(url: str, instance: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "STYRKOLL_INSTANCE": str(instance), **extra}
    return subprocess.run(
        [sys.executable, "-m", "checks.cli", "audit", "verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def stockholm_engine(url: str) -> Engine:
    """An engine whose sessions are in Stockholm time (PostgreSQL's `timezone` setting)."""
    if url.startswith("postgresql"):
        return create_engine(url, connect_args={"options": f"-c timezone={STOCKHOLM}"})
    return create_engine(url)


def _request_exception(app: Flask) -> int:
    toks = tokens(app)
    client = app.test_client()
    found = client.get("/api/v1/findings?kind=verksamhetsplan", headers=bearer(toks["enhet"])).json
    assert found is not None
    later = (date.today() + timedelta(days=30)).isoformat()
    asked = client.post(
        f"/api/v1/findings/{found['findings'][0]['id']}/decisions",
        json={"kind": "accepted_risk", "text": "Vi bär risken.", "expires": later},
        headers=bearer(toks["enhet"]),
    )
    assert asked.status_code == 201, asked.json
    decision: int = asked.json["id"]  # type: ignore[index]
    client.get("/api/v1/audit", headers=bearer(toks["enhet"]))  # a refusal after it, audited
    return decision


def _relink(session: Session) -> None:
    """Recompute every hash from the first entry on, as an attacker with the code would."""
    prev = audit.GENESIS
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        entry.prev_hash = prev
        entry.hash = audit.digest(
            prev, entry.at, entry.actor, entry.action, entry.subject, entry.details
        )
        session.flush()
        prev = entry.hash


def _last_id(session: Session) -> int:
    return int(session.execute(select(func.max(AuditEntry.id))).scalar_one())


TAMPERING = {
    "delete_last": "loggen saknar poster som kontrollpunkterna intygar",
    "delete_last_100": "loggen saknar poster som kontrollpunkterna intygar",
    "delete_all": "loggen saknar poster som kontrollpunkterna intygar",
    "rewrite_chain": "kedjan är omskriven",
    "version_content_hash": "version {version}: innehållshashen",
    "decision_entry": "beslut {decision}: ingen post i granskningsloggen",
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_verify_finds_each_way_of_tampering(
    trail_app: Flask, database_url: str, tmp_path: Path, how: str
) -> None:
    decision = _request_exception(trail_app)
    if how == "delete_last_100":  # enough entries, each commit checkpointed
        enhet = bearer(tokens(trail_app)["enhet"])
        client = trail_app.test_client()
        for _ in range(110):
            assert client.post("/api/v1/auth/tokens", headers=enhet).status_code == 201
    sessions = trail_app.extensions["styrkoll_sessions"]
    with sessions() as session:
        before = audit.verify(session)
        assert before.ok and not before.notes, (before.problems, before.notes)
        version = session.execute(select(func.min(DocumentVersion.id))).scalar_one()
        last = _last_id(session)
        if how == "delete_last":
            session.execute(delete(AuditEntry).where(AuditEntry.id == last))
        elif how == "delete_last_100":
            session.execute(delete(AuditEntry).where(AuditEntry.id > last - 100))
        elif how == "delete_all":
            session.execute(delete(AuditEntry))
        elif how == "rewrite_chain":
            session.execute(update(AuditEntry).where(AuditEntry.id == 2).values(actor="någon"))
            _relink(session)
        elif how == "version_content_hash":
            forged = hashlib.sha256(b"ett annat dokument").hexdigest()
            session.execute(
                update(DocumentVersion)
                .where(DocumentVersion.id == version)
                .values(content_hash=forged)
            )
        else:
            session.execute(delete(AuditEntry).where(AuditEntry.subject == f"decision:{decision}"))
            _relink(session)
        session.commit()
        assert not audit.verify(session).ok
    proc = verify_cli(database_url, tmp_path)
    assert proc.returncode == 1, proc.stdout
    expected = TAMPERING[how].format(version=version, decision=decision)
    assert expected in proc.stderr, proc.stderr


def test_an_untouched_log_verifies_in_stockholm_time_across_daylight_saving(
    trail_app: Flask, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", STOCKHOLM)
    monkeypatch.setenv("PGTZ", STOCKHOLM)
    time.tzset()
    try:
        engine = stockholm_engine(database_url)
        trail = trail_app.extensions["styrkoll_audit_trail"]
        factory = sessionmaker(engine, expire_on_commit=False, info={TRAIL: trail})
        with factory() as session:
            for n, stamp in enumerate(STAMPS):
                details = {"given": stamp.isoformat()}
                audit.append(session, "test", "stamped", f"stamp:{n}", details, at=stamp)
            session.commit()
        with factory() as session:
            stored = session.execute(
                select(AuditEntry.at).where(AuditEntry.action == "stamped").order_by(AuditEntry.id)
            ).scalars()
            assert [at.astimezone(UTC) for at in stored] == [s.astimezone(UTC) for s in STAMPS]
            result = audit.verify(session)
            assert result.ok and not result.notes, (result.problems, result.notes)
        engine.dispose()
        proc = verify_cli(database_url, tmp_path, TZ=STOCKHOLM, PGTZ=STOCKHOLM)
        assert proc.returncode == 0, proc.stderr
        assert "granskningsloggen är hel" in proc.stdout
    finally:
        monkeypatch.undo()
        time.tzset()
    shown = (
        trail_app.test_client()
        .get("/api/v1/audit", headers=bearer(tokens(trail_app)["revisor"]))
        .json
    )
    assert shown is not None and shown["verified"] is True
    stamped = [e["at"] for e in shown["entries"] if e["action"] == "stamped"]
    assert stamped == [s.astimezone(UTC).isoformat() for s in STAMPS]


AUDIT_0006 = sa.table(
    "audit_entry",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("subject", sa.String()),
    sa.column("details", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def test_0007_puts_entries_stored_in_stockholm_time_back_at_their_moment(
    database_url: str, tmp_path: Path
) -> None:
    """As the release before 0007 appended: a naive UTC time, hashed as such, stored by a
    session in Stockholm time (PostgreSQL takes it for Stockholm time; SQLite keeps it)."""
    upgrade(database_url, "0006")
    engine = stockholm_engine(database_url)
    moments = [s.astimezone(UTC).replace(tzinfo=None) for s in STAMPS]
    moments.append(datetime(2026, 11, 30, 10, 0, 0, 123456))
    prev = audit.GENESIS
    with engine.begin() as conn:
        for n, naive in enumerate(moments):
            digest = audit.digest(prev, naive, "old", "upload", f"x:{n}", {"n": n})
            conn.execute(
                AUDIT_0006.insert().values(
                    at=naive,
                    actor="old",
                    action="upload",
                    subject=f"x:{n}",
                    details={"n": n},
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
    with engine.connect() as conn:
        rows = conn.execute(select(AUDIT_0006).order_by(AUDIT_0006.c.id)).all()
    off = [r.id for r in rows if audit.digest(r.prev_hash, r.at, *r[2:6]) != r.hash]
    postgresql = database_url.startswith("postgresql")
    assert len(off) == (len(moments) if postgresql else 0)
    engine.dispose()
    upgrade(database_url)
    engine = stockholm_engine(database_url)
    trail = Trail.configured(tmp_path, create_key=False)
    with sessionmaker(engine)() as session:
        result = audit.verify(session, trail)
        assert result.ok, result.problems
        repaired = session.execute(
            select(AuditEntry).where(AuditEntry.action == "audit_times_repaired")
        ).scalars()
        counts = [e.details["count"] for e in repaired]
        assert counts == ([len(moments)] if postgresql else [])
        stored = session.execute(
            select(AuditEntry.at).where(AuditEntry.actor == "old").order_by(AuditEntry.id)
        ).scalars()
        assert [at.replace(tzinfo=None) for at in stored] == moments
    engine.dispose()


def test_checkpoints_are_signed_and_a_copy_without_them_is_noted(
    trail_app: Flask, database_url: str, tmp_path: Path
) -> None:
    with trail_app.extensions["styrkoll_sessions"]() as session:
        result = audit.verify(session)
        assert result.ok and any("ingen kontrollpunkt" in n for n in result.notes)
        assert audit.checkpoint(session, trail_app.extensions["styrkoll_audit_trail"])
        assert audit.verify(session).notes == []
    path = tmp_path / "audit-checkpoints.jsonl"
    line = path.read_text(encoding="utf-8").splitlines()[-1]
    path.write_text(line.replace('"entry":', '"entry":1', 1) + "\n", encoding="utf-8")
    proc = verify_cli(database_url, tmp_path)
    assert proc.returncode == 1 and "signaturen stämmer inte" in proc.stderr, proc.stderr
    other = verify_cli(database_url, tmp_path, STYRKOLL_AUDIT_KEY="en annan nyckel")
    assert other.returncode == 1 and "signaturen stämmer inte" in other.stderr


def test_the_time_hashed_is_utc_whatever_the_zone_it_is_given_in() -> None:
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    texts = {
        audit.moment_text(moment),
        audit.moment_text(moment.astimezone(ZoneInfo(STOCKHOLM))),
        audit.moment_text(moment.replace(tzinfo=None)),
    }
    assert texts == {"2026-03-29T01:30:00.000000"}
