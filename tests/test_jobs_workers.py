"""The queue on PostgreSQL (skipped on SQLite, which has none): an upload commits with its job and
answers before its check; workers – in this process, and `styrkoll worker` processes – take the
jobs; a worker killed mid-job (SIGKILL) leaves a job that another worker puts back on the queue
and does, so that every job ends done exactly once with its findings stored once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from checks.checker import Checker
from service import audit, jobs, store
from service.app import create_app
from service.db import AuditEntry, CheckJob, CheckRun, FindingRow, OrgUnit, User
from tests.conftest import DEFECT_DOSSIER, MINIMAL_PLAN, _pg_admin
from tests.test_service import bearer, tokens, unit_id

YAML = "application/yaml"
UNIT = "Administrativa avdelningen"
FILES = (
    "verksamhetsplan.yaml",
    "riskanalys.yaml",
    "internkontrollplan.yaml",
    "tjansteutlatande.yaml",
    "arsrapport.yaml",
)


@pytest.fixture
def queue_app(service_app: Flask, checker: Checker) -> Iterator[Flask]:
    """The app on the test's PostgreSQL copy of the demo, with its checks queued."""
    url = service_app.config["DATABASE_URL"]
    if not url.startswith("postgresql"):
        pytest.skip("the queue runs on PostgreSQL (SQLite has none: its checks run inline)")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CHECKER": checker, "JOBS": "queue"})
    yield app
    app.extensions["styrkoll_engine"].dispose()


def sessions(app: Flask) -> Session:
    session: Session = app.extensions["styrkoll_sessions"]()
    return session


def queue_rows(app: Flask) -> list[Any]:
    with sessions(app) as session:
        return list(
            session.execute(
                text(
                    "SELECT id, status, attempts, (args->>'job')::integer AS job"
                    " FROM procrastinate.procrastinate_jobs ORDER BY id"
                )
            ).all()
        )


def wait_for(what: Callable[[], Any], seconds: float, why: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s: {why}")


def test_a_queued_upload_commits_with_its_job_and_a_worker_does_it(
    queue_app: Flask, checker: Checker
) -> None:
    client = queue_app.test_client()
    enhet = bearer(tokens(queue_app)["enhet"])
    url = f"/api/v1/documents?unit={unit_id(queue_app, UNIT)}&filename=vp.yaml"
    refused = client.post(url, data=b"dokument: ingenting", content_type=YAML, headers=enhet)
    assert refused.status_code == 422 and queue_rows(queue_app) == []  # rolled back: no job
    plan = MINIMAL_PLAN.replace("Exempelenheten", UNIT).encode()
    answer = client.post(url, data=plan, content_type=YAML, headers=enhet)
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["run"] is None and body["findings"] == [] and body["resolved"] == []
    job = body["job"]
    assert job["state"] == "queued" and job["runs"] == [] and job["attempts"] == 0
    assert job["catalogue_hash"] is None  # the worker's catalogue judges an upload
    (row,) = queue_rows(queue_app)
    assert (row.status, row.job) == ("todo", job["id"])

    jobs.run_worker(queue_app.config["DATABASE_URL"], wait=False, checker=checker)

    done = client.get(f"/api/v1/jobs/{job['id']}", headers=enhet).json
    assert done["state"] == "done" and done["attempts"] == 1 and done["error"] is None
    assert done["catalogue_hash"] == checker.catalogue.content_hash
    mine = next(r for r in done["runs"] if r["version"] == body["version"]["id"])
    run = client.get(f"/api/v1/runs/{mine['run']}", headers=enhet).json
    assert len(run["findings"]) == mine["findings"] > 0  # the minimal plan lacks a lot
    assert queue_rows(queue_app)[0].status == "succeeded"


def test_recheck_fans_out_one_job_per_unit_and_workers_take_them(queue_app: Flask) -> None:
    env = {**os.environ, "DATABASE_URL": queue_app.config["DATABASE_URL"], "STYRKOLL_JOBS": ""}

    def styrkoll(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "checks.cli", *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )

    queued = styrkoll("recheck", "--year", "2012", "--no-wait")
    assert queued.returncode == 0, queued.stderr
    assert "1 jobb i kön, ett per enhet med handlingar för 2012" in queued.stdout
    assert [r.status for r in queue_rows(queue_app)] == ["todo"]
    worked = styrkoll("worker", "--until-idle")
    assert worked.returncode == 0, worked.stderr
    assert [r.status for r in queue_rows(queue_app)] == ["succeeded"]
    # without --no-wait the command works along as one more worker and reports the runs
    along = styrkoll("recheck", "--year", "2012")
    assert along.returncode == 0, along.stderr
    assert "5 dokument kontrollerades igen" in along.stdout
    assert [r.status for r in queue_rows(queue_app)] == ["succeeded", "succeeded"]


def test_a_dead_workers_job_is_put_back_and_given_up_after_max_attempts(
    queue_app: Flask,
) -> None:
    with sessions(queue_app) as session:
        (job,) = jobs.recheck_year(session, 2012, "test", None, True)
        session.commit()
        for attempt in range(jobs.MAX_ATTEMPTS):
            # a worker takes the job, then dies: its heartbeat stops
            worker = session.execute(
                text("SELECT worker_id FROM procrastinate.procrastinate_register_worker_v1()")
            ).scalar_one()
            taken = session.execute(
                text(
                    "SELECT id FROM procrastinate.procrastinate_fetch_job_v2("
                    "ARRAY['checks']::varchar[], :worker)"
                ),
                {"worker": worker},
            ).scalar_one()
            assert taken == job.queue_id
            session.execute(
                text(
                    "UPDATE procrastinate.procrastinate_workers"
                    " SET last_heartbeat = now() - interval '1 minute' WHERE id = :worker"
                ),
                {"worker": worker},
            )
            session.commit()
            assert jobs.rescue_stalled(session, 120.0) == ([], [])  # not stalled that long
            retried, failed = jobs.rescue_stalled(session, 30.0)
            session.commit()
            if attempt + 1 < jobs.MAX_ATTEMPTS:
                assert (retried, failed) == ([job.queue_id], [])
                assert jobs.state_of(session, job).state == "queued"
            else:
                assert (retried, failed) == ([], [job.queue_id])
    body = (
        queue_app.test_client()
        .get(f"/api/v1/jobs/{job.id}", headers=bearer(tokens(queue_app)["controller"]))
        .json
    )
    assert body["state"] == "failed" and body["attempts"] == jobs.MAX_ATTEMPTS
    assert body["error"] == "arbetaren dog under jobbet 4 gånger; jobbet gavs upp"


def _seed_units(app: Flask, count: int) -> list[int]:
    """More units, each uploading the defect dossier's five documents as queued jobs."""
    with sessions(app) as session:
        user = session.execute(select(User).where(User.username == "enhet")).scalar_one()
        parent = session.execute(select(OrgUnit.parent_id).where(OrgUnit.name == UNIT)).scalar_one()
        for n in range(count):
            unit = OrgUnit(name=f"Enhet {n + 1}", level="enhet", parent_id=parent)
            session.add(unit)
            session.flush()
            for name in FILES:
                raw = (DEFECT_DOSSIER / name).read_text(encoding="utf-8").replace(UNIT, unit.name)
                store.store_version(
                    session, None, user, unit, raw.encode(), name, YAML, queued=True
                )
        session.commit()
        return list(
            session.execute(
                select(CheckJob.id).where(CheckJob.finished_at.is_(None)).order_by(CheckJob.id)
            ).scalars()
        )


def test_two_workers_one_killed_mid_job_every_job_done_once(queue_app: Flask) -> None:
    url = queue_app.config["DATABASE_URL"]
    queued = _seed_units(queue_app, 8)
    assert len(queued) == 40
    env = {**os.environ, "DATABASE_URL": url, "STYRKOLL_JOBS": ""}
    command = [sys.executable, "-m", "checks.cli", "worker", "--stalled-after", "2"]
    # the audit trail's lock, held here: a worker's job stops at its first audit entry, its runs
    # and findings written but not committed – mid-job
    holder = create_engine(url)
    hold = holder.connect()
    hold.execute(text("SELECT pg_advisory_xact_lock(7402611)"))
    workers: list[subprocess.Popen[bytes]] = []
    try:

        def waiting_for_audit() -> int:
            with sessions(queue_app) as session:
                return int(
                    session.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                            " AND objid = 7402611 AND database ="
                            " (SELECT oid FROM pg_database WHERE datname = current_database())"
                        )
                    ).scalar_one()
                )

        def registered() -> list[int]:
            with sessions(queue_app) as session:
                return list(
                    session.execute(
                        text("SELECT id FROM procrastinate.procrastinate_workers ORDER BY id")
                    ).scalars()
                )

        workers.append(subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL))
        (first,) = wait_for(registered, 60, "the first worker registers")
        wait_for(lambda: waiting_for_audit() >= 2, 60, "the first worker's job waits mid-job")
        workers.append(subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL))
        wait_for(lambda: len(registered()) == 2, 60, "the second worker registers")
        wait_for(lambda: waiting_for_audit() >= 3, 60, "the second worker's job waits too")
        with sessions(queue_app) as session:
            killed_job = session.execute(
                text(
                    "SELECT id FROM procrastinate.procrastinate_jobs"
                    " WHERE status = 'doing' AND worker_id = :w"
                ),
                {"w": first},
            ).scalar_one()
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=30)
        hold.rollback()  # the lock let go: the second worker goes on, and takes the dead one's

        def all_done() -> bool:
            with sessions(queue_app) as session:
                left = session.execute(
                    select(func.count())
                    .select_from(CheckJob)
                    .where(CheckJob.id.in_(queued), CheckJob.finished_at.is_(None))
                ).scalar_one()
            return left == 0

        wait_for(all_done, 240, "every job done")
    finally:
        hold.close()
        holder.dispose()
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()

    rows = {r.id: r for r in queue_rows(queue_app)}
    assert {r.status for r in rows.values()} == {"succeeded"}
    assert rows[killed_job].attempts == 2  # killed once, then done by the other worker
    assert sorted(r.job for r in rows.values()) == queued
    with sessions(queue_app) as session:
        for job in session.execute(select(CheckJob).where(CheckJob.id.in_(queued))).scalars():
            stored = session.execute(
                select(CheckRun).where(CheckRun.job_id == job.id).order_by(CheckRun.id)
            ).scalars()
            runs = {r.version_id: r for r in stored}
            assert {r["version"]: r["run"] for r in job.runs or []} == {
                v: r.id for v, r in runs.items()
            }, job.id
            for summary in job.runs or []:
                run = runs[summary["version"]]
                findings = session.execute(
                    select(func.count()).select_from(FindingRow).where(FindingRow.run_id == run.id)
                ).scalar_one()
                assert findings == summary["findings"]
                assert findings == run.error_count + run.warning_count + run.info_count
        entries = session.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == "check_run",
                AuditEntry.details["job"].as_integer().in_(queued),
            )
        ).scalar_one()
        total_runs = session.execute(
            select(func.count()).select_from(CheckRun).where(CheckRun.job_id.in_(queued))
        ).scalar_one()
        assert entries == total_runs  # the killed attempt left no audit entry either
        chain = audit.verify(session)
        assert chain.ok, chain.problems[:3]


def test_a_worker_rides_out_a_database_that_refuses_connections_for_a_while(
    queue_app: Flask, tmp_path: Path
) -> None:
    """As through a restart or an outage: the worker waits for the database and goes on with
    the queue afterwards, never exits."""
    url = queue_app.config["DATABASE_URL"]
    name = make_url(url).database
    queue_app.extensions["styrkoll_engine"].dispose()
    env = {**os.environ, "DATABASE_URL": url, "STYRKOLL_JOBS": ""}
    command = [sys.executable, "-m", "checks.cli", "worker", "--stalled-after", "2"]
    log = tmp_path / "worker.log"  # a file, not a pipe: a full pipe would stop the worker
    out = log.open("w")
    worker = subprocess.Popen(command, env=env, stderr=out)
    try:

        def registered() -> int:
            with sessions(queue_app) as session:
                return int(
                    session.execute(
                        text("SELECT count(*) FROM procrastinate.procrastinate_workers")
                    ).scalar_one()
                )

        wait_for(registered, 60, "the worker registers")
        time.sleep(3)  # at work: heartbeats, fetches
        queue_app.extensions["styrkoll_engine"].dispose()
        _pg_admin(
            f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false',
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
        )
        try:
            time.sleep(12)  # heartbeats and fetches fail meanwhile
            alive_through = worker.poll() is None
        finally:
            _pg_admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        with sessions(queue_app) as session:
            (job,) = jobs.recheck_year(session, 2012, "test", None, True)
            job_id = job.id
            session.commit()

        def done() -> bool:
            with sessions(queue_app) as session:
                found = session.get(CheckJob, job_id)
                return found is not None and found.finished_at is not None

        wait_for(done, 120, "the worker does a job queued after the outage")
        assert alive_through and worker.poll() is None
    finally:
        worker.terminate()  # SIGTERM: a graceful stop, not a restart
        worker.wait(timeout=60)
        out.close()
    assert worker.returncode == 0, log.read_text()[-3000:]
