"""Checks as jobs, done in the request's transaction (inline, as these tests run them on SQLite
and PostgreSQL; the queue's workers are tests/test_jobs_workers.py): an upload answers with its
job, visible to whoever may read the unit; a job done twice stores nothing new; a job for a
version no longer current judges only it. Every version keeps its validated model, a re-check
reads it instead of the original, and a dossier loads in a bounded number of statements."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checks.checker import Checker
from service import jobs, store
from service.app import create_app
from service.checking import load_dossier, previous_findings, run_job
from service.db import AuditEntry, CheckJob, CheckRun, DocumentVersion, FindingRow, OrgUnit, User
from tests.conftest import CLEAN_EXAMPLE, DEFECT_EXAMPLE
from tests.test_service import bearer, tokens, unit_id

YAML = "application/yaml"
UNIT = "Administrativa avdelningen"


def sessions(app: Flask) -> Session:
    session: Session = app.extensions["styrkoll_sessions"]()
    return session


def upload(app: Flask, path: Path, user: str = "enhet", unit: str = UNIT) -> dict[str, Any]:
    """An example document, uploaded by the user for the unit (it names that unit)."""
    response = app.test_client().post(
        f"/api/v1/documents?unit={unit_id(app, unit)}&filename={path.name}",
        data=path.read_text(encoding="utf-8").replace(UNIT, unit).encode(),
        content_type=YAML,
        headers=bearer(tokens(app)[user]),
    )
    assert response.status_code == 201, response.json
    body: dict[str, Any] = response.json
    return body


def stored(app: Flask) -> dict[str, int]:
    with sessions(app) as session:
        return {
            t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (CheckJob, CheckRun, FindingRow, AuditEntry)
        }


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while inside."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = app.extensions["styrkoll_engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_an_upload_answers_with_its_job_visible_to_who_may_read_the_unit(
    service_app: Flask,
) -> None:
    body = upload(service_app, DEFECT_EXAMPLE)
    job = body["job"]
    assert job["state"] == "done" and job["reason"] == "upload"
    assert job["version"] == body["version"]["id"] and job["error"] is None
    runs = {r["version"]: r for r in job["runs"]}
    assert runs[body["version"]["id"]]["run"] == body["run"]
    assert runs[body["version"]["id"]]["findings"] == len(body["findings"])
    assert len(runs) == 5  # the whole dossier: every document gets a run of this job
    toks = tokens(service_app)
    client = service_app.test_client()
    url = f"/api/v1/jobs/{job['id']}"
    for reader in ("enhet", "controller", "revisor", "admin"):
        answer = client.get(url, headers=bearer(toks[reader]))
        assert answer.status_code == 200, reader
        assert answer.json == job
    for stranger in ("enhet2", "enhet3"):  # another unit's job does not exist for them
        answer = client.get(url, headers=bearer(toks[stranger]))
        assert answer.status_code == 404 and answer.json["detail"] == (
            "jobbet finns inte eller är inte synlig för dig"
        )
    assert client.get(url).status_code == 401
    with sessions(service_app) as session:
        runs_of_job = session.execute(
            select(CheckRun.version_id, CheckRun.id).where(CheckRun.job_id == job["id"])
        ).all()
    assert dict(runs_of_job) == {v: r["run"] for v, r in runs.items()}


def test_every_version_keeps_its_validated_model_read_back_as_its_original_reads(
    service_app: Flask,
) -> None:
    with sessions(service_app) as session:
        versions = session.execute(select(DocumentVersion)).scalars().all()
        assert len(versions) == 6
        for version in versions:
            assert version.validated_by == store.models_hash()
            fast, slow = store.read_version(version), store.reparse(version)
            assert fast.document == slow.document
            assert fast.source_map.lines == slow.source_map.lines and fast.source == slow.source
        # a model written by other models is not trusted: the original is read again
        version = versions[0]
        version.validated_by = "0" * 16
        version.validated = "{}"
        assert store.read_version(version).document == store.reparse(version).document


def test_a_recheck_from_the_stored_models_judges_as_one_from_the_originals(
    service_app: Flask, checker: Checker
) -> None:
    def judged(reread: bool) -> dict[int, list[tuple[str, str, int | None]]]:
        with sessions(service_app) as session:
            (job,) = jobs.recheck_year(session, 2012, "test", None, False, reread)
            session.commit()
            jobs.execute(lambda: sessions(service_app), lambda _h: checker, job.id)
            rows = session.execute(
                select(
                    CheckRun.version_id, FindingRow.fingerprint, FindingRow.path, FindingRow.line
                )
                .join(FindingRow, FindingRow.run_id == CheckRun.id)
                .where(CheckRun.job_id == job.id)
                .order_by(FindingRow.id)
            ).all()
        out: dict[int, list[tuple[str, str, int | None]]] = {}
        for version_id, fingerprint, path, line in rows:
            out.setdefault(version_id, []).append((fingerprint, path, line))
        return out

    fast = judged(False)
    assert sum(len(v) for v in fast.values()) >= 10  # the demo dossier's findings, with lines
    assert all(line is not None for v in fast.values() for _, path, line in v if path)
    assert fast == judged(True)


def test_a_dossier_loads_in_a_bounded_number_of_statements_without_originals(
    service_app: Flask,
) -> None:
    upload(service_app, CLEAN_EXAMPLE, "enhet2", "Ekonomienheten")  # a dossier of one document

    def load(unit: str) -> tuple[int, list[str]]:
        with sessions(service_app) as session, statements(service_app) as seen:
            members = load_dossier(session, unit_id(service_app, unit), 2012)
            previous_findings(session, [m.version for m in members.values()])
        return len(members), seen

    one, few = load("Ekonomienheten")
    five, many = load(UNIT)
    assert (one, five) == (1, 5)
    assert len(many) == len(few) <= 3, many
    assert not any("original" in s for s in many + few)  # the stored models, not the originals
    assert not any("evidence" in s for s in many + few)  # earlier findings: no JSON read


def test_a_job_done_twice_stores_nothing_new_and_a_run_is_keyed_by_job_and_version(
    service_app: Flask, checker: Checker
) -> None:
    with sessions(service_app) as session:
        (job,) = jobs.recheck_year(session, 2012, "test", checker.catalogue.content_hash, False)
        session.commit()
    assert stored(service_app)["check_job"] == 7  # the demo's six uploads and this one
    done = jobs.execute(lambda: sessions(service_app), lambda _h: checker, job.id)
    assert done.finished_at is not None and len(done.runs or []) == 5
    after = stored(service_app)
    again = jobs.execute(lambda: sessions(service_app), lambda _h: checker, job.id)
    assert again.runs == done.runs and stored(service_app) == after
    # even done again by hand, the database refuses a second run of the job for a version
    with sessions(service_app) as session:
        row = session.get(CheckJob, job.id)
        assert row is not None
        with pytest.raises(IntegrityError):
            run_job(session, checker, row)
        session.rollback()
    assert stored(service_app) == after


def test_a_job_for_a_version_no_longer_current_judges_only_that_version(
    service_app: Flask, checker: Checker
) -> None:
    first = upload(service_app, DEFECT_EXAMPLE)["version"]["id"]
    upload(service_app, CLEAN_EXAMPLE)
    with sessions(service_app) as session:
        unit = unit_id(service_app, UNIT)
        job = jobs.create_job(session, unit, 2012, "upload", "test", version_id=first)
        session.commit()
        runs = run_job(session, checker, job)
        session.commit()
        assert list(runs) == [first]
        run = runs[first][0]
        assert run.dossier["verksamhetsplan"] == first and len(run.dossier) == 5
        assert {f["rule_id"] for f in runs[first][1]} >= {"C1", "B4"}  # the defects it had


def test_a_worker_with_another_catalogue_fails_the_job_with_a_clear_error(
    service_app: Flask, checker: Checker
) -> None:
    with sessions(service_app) as session:
        (job,) = jobs.recheck_year(session, 2012, "test", "f" * 64, False)
        session.commit()
    executor = jobs.Executor(service_app.config["DATABASE_URL"], checker)
    try:
        with pytest.raises(jobs.JobError):
            jobs.execute(executor.sessions, executor.checker_for, job.id)
    finally:
        executor.close()
    with sessions(service_app) as session:
        failed = session.get(CheckJob, job.id)
        assert failed is not None and failed.finished_at is None and failed.runs is None
        assert failed.error is not None
        assert failed.error.startswith("jobbet gäller regelkatalogen ffffffffffff, men arbetaren")
    body = (
        service_app.test_client()
        .get(f"/api/v1/jobs/{job.id}", headers=bearer(tokens(service_app)["revisor"]))
        .json
    )
    assert body["state"] == "failed" and body["error"] == failed.error  # inline: not tried again


def test_the_queue_needs_postgresql_and_says_so(tmp_path: Path, checker: Checker) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    assert jobs.jobs_mode(url) == "inline"
    assert jobs.jobs_mode("postgresql+psycopg://x/y") == "queue"
    assert jobs.jobs_mode("postgresql+psycopg://x/y", "inline") == "inline"
    with pytest.raises(jobs.JobError, match="STYRKOLL_JOBS=queue kräver PostgreSQL"):
        create_app({"TESTING": True, "DATABASE_URL": url, "CHECKER": checker, "JOBS": "queue"})
    with pytest.raises(jobs.JobError, match='STYRKOLL_JOBS="kö" finns inte'):
        jobs.jobs_mode(url, "kö")
    proc = subprocess.run(
        [sys.executable, "-m", "checks.cli", "worker", "--until-idle"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": url},
    )
    assert proc.returncode == 2
    assert "styrkoll worker: STYRKOLL_JOBS=queue kräver PostgreSQL" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_store_version_without_a_checker_only_queues(service_app: Flask) -> None:
    """The web process of a queue never needs the checker: the upload's job names no catalogue
    (the worker's is used) – and without a queue, a check needs the checker."""
    with sessions(service_app) as session:
        user = session.execute(select(User).where(User.username == "enhet")).scalar_one()
        unit = session.get(OrgUnit, user.org_unit_id)
        assert unit is not None
        with pytest.raises(AssertionError, match="needs the checker"):
            store.store_version(
                session, None, user, unit, CLEAN_EXAMPLE.read_bytes(), "vp.yaml", YAML
            )
        session.rollback()


FETCH = (  # the candidate query of procrastinate's fetch (procrastinate_fetch_job_v2)
    "EXPLAIN SELECT jobs.id FROM procrastinate.procrastinate_jobs AS jobs WHERE NOT EXISTS ("
    "SELECT 1 FROM procrastinate.procrastinate_jobs AS other_jobs WHERE jobs.lock IS NOT NULL"
    " AND other_jobs.lock = jobs.lock AND (other_jobs.status = 'doing' OR (other_jobs.status ="
    " 'todo' AND (other_jobs.priority > jobs.priority OR (other_jobs.priority = jobs.priority"
    " AND other_jobs.id < jobs.id))))) AND jobs.status = 'todo' AND jobs.queue_name ="
    " ANY(ARRAY['checks']::varchar[]) AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <="
    " now()) ORDER BY jobs.priority DESC, jobs.id ASC LIMIT 1 FOR UPDATE OF jobs SKIP LOCKED"
)


def test_after_a_bulk_enqueue_a_fetch_walks_the_priority_index_instead_of_sorting_the_queue(
    service_app: Flask,
) -> None:
    with sessions(service_app) as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("the job queue is PostgreSQL's; SQLite checks inline")
        unit = unit_id(service_app, UNIT)
        queued = [jobs.create_job(session, unit, 2012, "recheck", "test") for _ in range(2000)]
        jobs.enqueue(session, queued)
        session.commit()
        jobs.after_bulk_enqueue(session, len(queued))
        plan = "\n".join(session.execute(text(FETCH)).scalars())
    assert "procrastinate_jobs_priority_idx" in plan and "Sort" not in plan, plan
