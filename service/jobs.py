"""Checks as jobs: every upload and every re-check of a unit's dossier is a `CheckJob`, done in
the request's own transaction (`inline`, the default on SQLite: `make run` stays one command) or
put on a queue that any number of worker processes on any number of machines take from
(`queue`, the default on PostgreSQL; `STYRKOLL_JOBS` chooses).

The queue is procrastinate's, in the PostgreSQL schema `procrastinate` (migration 0006). A job
is deferred by procrastinate's own SQL function in the caller's transaction, so an acknowledged
upload can never lose its check, and an upload rolled back leaves no job. A job is idempotent:
its row is locked while it runs, it is done when its runs commit (`finished_at`, in the same
transaction) and a second execution finds it done and stores nothing; a run names its job and a
job stores one run per version at most (a unique constraint). Jobs of one dossier share a
procrastinate lock, so they run one at a time and in order.

A worker that dies (killed, its machine gone) leaves its job "doing": every worker looks for the
jobs of workers without a heartbeat for `stalled_after` seconds and puts them back on the queue
(`rescue_stalled`), failing one that has killed its worker `MAX_ATTEMPTS` times. A job that
raises is retried by procrastinate's retry strategy, its error kept in `CheckJob.error`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from checks.catalogue import load_catalogue
from checks.checker import Checker, settle_after_startup
from service.db import CheckJob, DocumentSeries

Mode = Literal["inline", "queue"]
State = Literal["queued", "running", "done", "failed"]
SCHEMA = "procrastinate"
QUEUE = "checks"
TASK = "styrkoll.check"
MAX_ATTEMPTS = 4  # tries of a job, whether it raised or its worker died
RETRY_WAIT = 5  # a job that raised is tried again after 5, 10, 15 seconds
STATES: dict[str, State] = {
    "todo": "queued",
    "doing": "running",
    "succeeded": "done",
    "failed": "failed",
    "cancelled": "failed",
    "aborted": "failed",
}
LOG = logging.getLogger("styrkoll.jobs")


class JobError(Exception):
    """A job that cannot be done as asked; the message is Swedish."""


def jobs_mode(url: str, configured: str | None = None) -> Mode:
    """`inline` or `queue` (`STYRKOLL_JOBS`); by default the queue on PostgreSQL."""
    postgresql = url.startswith("postgresql")
    if configured in (None, ""):
        return "queue" if postgresql else "inline"
    if configured not in ("inline", "queue"):
        raise JobError(f'STYRKOLL_JOBS="{configured}" finns inte: ange inline eller queue')
    if configured == "queue" and not postgresql:
        raise JobError(
            "STYRKOLL_JOBS=queue kräver PostgreSQL (DATABASE_URL=postgresql+psycopg://…); "
            "med SQLite görs kontrollerna i samma process (inline)"
        )
    return cast(Mode, configured)


def create_job(
    session: Session,
    unit_id: int,
    year: int,
    reason: str,
    actor: str,
    version_id: int | None = None,
    catalogue_hash: str | None = None,
    reread: bool = False,
) -> CheckJob:
    job = CheckJob(
        unit_id=unit_id,
        year=year,
        reason=reason,
        requested_by=actor,
        version_id=version_id,
        catalogue_hash=catalogue_hash,
        reread=reread,
    )
    session.add(job)
    session.flush()
    return job


def enqueue(session: Session, jobs: list[CheckJob]) -> None:
    """Put the jobs on the queue in the caller's transaction: they commit with it or never.
    Jobs of one dossier share a lock: procrastinate runs them one at a time, oldest first."""
    if not jobs:
        return
    ids = session.execute(
        text(
            "SELECT unnest(procrastinate.procrastinate_defer_jobs_v1(ARRAY("
            " SELECT ROW(:queue, :task, 0, 'dossier-' || t.unit || '-' || t.year, NULL,"
            " jsonb_build_object('job', t.job), NULL)::procrastinate.procrastinate_job_to_defer_v1"
            " FROM unnest(CAST(:jobs AS integer[]), CAST(:units AS integer[]),"
            " CAST(:years AS integer[])) AS t(job, unit, year) ORDER BY t.job)))"
        ),
        {
            "queue": QUEUE,
            "task": TASK,
            "jobs": [j.id for j in jobs],
            "units": [j.unit_id for j in jobs],
            "years": [j.year for j in jobs],
        },
    ).scalars()
    queued = session.execute(
        text(
            "SELECT id, (args->>'job')::integer FROM procrastinate.procrastinate_jobs"
            " WHERE id = ANY(CAST(:ids AS bigint[]))"
        ),
        {"ids": list(ids)},
    ).all()
    by_job = {job_id: queue_id for queue_id, job_id in queued}
    for job in jobs:
        job.queue_id = by_job[job.id]
    session.flush()


def recheck_year(
    session: Session,
    year: int,
    actor: str,
    catalogue_hash: str | None,
    queued: bool,
    reread: bool = False,
) -> list[CheckJob]:
    """One job per unit with documents of the year, queued or not, in the caller's
    transaction."""
    units = session.execute(
        select(DocumentSeries.unit_id)
        .where(DocumentSeries.year == year)
        .distinct()
        .order_by(DocumentSeries.unit_id)
    ).scalars()
    jobs = [
        create_job(session, unit, year, "recheck", actor, None, catalogue_hash, reread)
        for unit in units
    ]
    if queued:
        enqueue(session, jobs)
    return jobs


BULK = 50  # jobs queued at once from which the queue's statistics are refreshed


def after_bulk_enqueue(session: Session, count: int) -> None:
    """Refresh the planner's statistics of the queue after many jobs were queued at once.

    procrastinate's fetch orders the waiting jobs by priority and id; with statistics taken when
    the queue was nearly empty, PostgreSQL plans it as "read every waiting job, test its lock,
    sort" instead of "walk the priority index to the first free one": measured 2026-11-30 with
    2,000 jobs waiting, 52 ms a fetch (every worker pays it per job, falling as the queue
    drains) against 0.07 ms after ANALYZE. Autovacuum refreshes them only after a delay, so a
    re-check of the year does it itself, after its commit. Nothing to do on SQLite."""
    if count < BULK or session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text(f"ANALYZE {SCHEMA}.procrastinate_jobs"))
    session.commit()


@dataclass(frozen=True)
class JobState:
    state: State
    attempts: int


def state_of(session: Session, job: CheckJob) -> JobState:
    """Done once its runs are stored; else what the queue says (queued, running, failed)."""
    if job.queue_id is None:  # done in a process of its own, never tried again
        if job.finished_at is not None:
            return JobState("done", 1)
        return JobState("failed" if job.error is not None else "queued", 0)
    row = session.execute(
        text("SELECT status, attempts FROM procrastinate.procrastinate_jobs WHERE id = :id"),
        {"id": job.queue_id},
    ).one_or_none()
    attempts = int(row[1]) if row is not None else 0
    if job.finished_at is not None:
        return JobState("done", attempts)
    if row is None:  # removed from the queue by hand
        return JobState("failed", attempts)
    return JobState(STATES.get(str(row[0]), "failed"), attempts)


class Executor:
    """What a worker process keeps between jobs: its sessions and its checker, whose catalogue
    is read again from disk when a job asks for another one (a re-check after a change)."""

    def __init__(self, url: str, checker: Checker | None = None) -> None:
        from service.app import make_engine

        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._checker = checker
        self._own = checker is None

    def checker_for(self, wanted: str | None) -> Checker:
        if self._checker is None:
            self._checker = Checker()
            settle_after_startup()  # what the worker keeps, out of the collector's way
        if wanted is not None and wanted != self._checker.catalogue.content_hash:
            fresh = load_catalogue()
            if fresh.content_hash != wanted:
                raise JobError(
                    f"jobbet gäller regelkatalogen {wanted[:12]}, men arbetaren har "
                    f"{fresh.content_hash[:12]}: starta arbetaren med den katalogen"
                )
            if self._own:
                self._checker.close()
            self._checker, self._own = Checker(fresh), True
        return self._checker

    def __call__(self, job: int) -> None:
        execute(self.sessions, self.checker_for, job)

    def close(self) -> None:
        if self._own and self._checker is not None:
            self._checker.close()
        self.engine.dispose()


def execute(
    sessions: Callable[[], Session], checker_for: Callable[[str | None], Checker], job_id: int
) -> CheckJob:
    """Do one job in a transaction of its own, its row locked: a job already done is left as it
    is (a second execution stores nothing). A failure is kept in the job's `error`, then raised
    again for the queue to retry."""
    from service.checking import run_job

    with sessions() as session:
        try:
            job = session.execute(
                select(CheckJob).where(CheckJob.id == job_id).with_for_update()
            ).scalar_one_or_none()
            if job is None:
                raise JobError(f"jobbet {job_id} finns inte")
            if job.finished_at is None:
                run_job(session, checker_for(job.catalogue_hash), job)
            session.commit()
            return job
        except Exception as exc:
            session.rollback()
            _record_error(sessions, job_id, exc)
            raise


def _record_error(sessions: Callable[[], Session], job_id: int, exc: Exception) -> None:
    text_ = str(exc) if isinstance(exc, JobError | LookupError) else f"internt fel: {exc!r}"
    LOG.error("job %s failed: %s", job_id, text_)
    with sessions() as session:
        job = session.get(CheckJob, job_id)
        if job is not None and job.finished_at is None:
            job.error = text_[:2000]
            session.commit()


def conninfo(url: str) -> str:
    """The libpq connection string of a SQLAlchemy URL, with procrastinate's schema first on
    the search path (its queries name its tables without a schema)."""
    from psycopg.conninfo import make_conninfo

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return make_conninfo(plain, options=f"-c search_path={SCHEMA}")


def queue_app(url: str, executor: Callable[[int], None]) -> Any:
    """Procrastinate's app on the database of `url`, its one task doing our jobs."""
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(url), min_size=1, max_size=4)
    )

    def check(job: int) -> None:
        executor(job)

    app.task(
        name=TASK,
        queue=QUEUE,
        retry=procrastinate.RetryStrategy(
            max_attempts=MAX_ATTEMPTS - 1, wait=RETRY_WAIT, linear_wait=RETRY_WAIT
        ),
    )(check)
    return app


def rescue_stalled(session: Session, stalled_after: float) -> tuple[list[int], list[int]]:
    """Put back on the queue the jobs of workers without a heartbeat for `stalled_after`
    seconds (or whose worker row was pruned), failing those tried `MAX_ATTEMPTS` times already.
    Rows are taken with SKIP LOCKED: two workers rescuing at once never both take one job.
    Returns the queue ids retried and failed; the caller commits."""
    stalled = session.execute(
        text(
            "SELECT job.id, job.attempts, (job.args->>'job')::integer"
            " FROM procrastinate.procrastinate_jobs job"
            " LEFT JOIN procrastinate.procrastinate_workers w ON w.id = job.worker_id"
            " WHERE job.status = 'doing' AND job.queue_name = :queue"
            " AND (w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => :after))"
            " FOR UPDATE OF job SKIP LOCKED"
        ),
        {"queue": QUEUE, "after": stalled_after},
    ).all()
    retried: list[int] = []
    failed: list[int] = []
    for queue_id, attempts, job_id in stalled:
        if attempts + 1 >= MAX_ATTEMPTS:
            session.execute(
                text("SELECT procrastinate.procrastinate_finish_job_v1(:id, 'failed', false)"),
                {"id": queue_id},
            )
            job = session.get(CheckJob, job_id)
            if job is not None and job.finished_at is None:
                job.error = f"arbetaren dog under jobbet {attempts + 1} gånger; jobbet gavs upp"
            failed.append(queue_id)
        else:
            session.execute(
                text(
                    "SELECT procrastinate.procrastinate_retry_job_v2(:id, now(), NULL, NULL, NULL)"
                ),
                {"id": queue_id},
            )
            retried.append(queue_id)
    return retried, failed


async def _rescuing(executor: Executor, stalled_after: float, every: float) -> None:
    def once() -> None:
        with executor.sessions() as session:
            retried, failed = rescue_stalled(session, stalled_after)
            session.commit()
        if retried or failed:
            LOG.warning("stalled jobs: retried %s, failed %s", retried, failed)

    while True:
        try:
            await asyncio.to_thread(once)
        except Exception:  # a lost connection: try again at the next round
            LOG.exception("could not look for stalled jobs")
        await asyncio.sleep(every)


RETRY_FIRST = 0.5  # seconds before a worker tries the database again; doubled up to RETRY_MOST
RETRY_MOST = 30.0


def _unreachable() -> tuple[type[BaseException], ...]:
    """What the drivers raise when the database cannot be reached (stopped, restarting, not yet
    accepting connections): a worker waits and tries again instead of exiting."""
    import procrastinate.exceptions
    import psycopg
    from sqlalchemy.exc import InterfaceError, OperationalError

    return (
        psycopg.OperationalError,
        procrastinate.exceptions.ConnectorException,
        OperationalError,
        InterfaceError,
    )


def run_worker(
    url: str,
    wait: bool = True,
    stalled_after: float = 30.0,
    checker: Checker | None = None,
    name: str | None = None,
) -> None:
    """One worker process on the queue of `url`: one job at a time (start more processes for
    more), until stopped (SIGINT, SIGTERM: the running job is finished first) or, without
    `wait`, until the queue has nothing more for it.

    A database that cannot be reached never ends a waiting worker: procrastinate's pool waits
    out a short outage by itself, and when the queue fails anyway – opening it while the
    database is down, or procrastinate stopping its worker after a failed fetch (seen once as
    an exit in `make faults`) – the queue is opened again after 0.5, 1, 2 … 30 s, one log line
    each time. A job it was doing is put back by the stalled-job rescue."""
    executor = Executor(url, checker)
    unreachable = _unreachable()
    delay = RETRY_FIRST
    try:
        while True:
            started = time.monotonic()
            try:
                asked = asyncio.run(_work(url, executor, wait, stalled_after, name))
                if asked or not wait:
                    return
                why = "arbetaren stannade av sig själv (databasen kan ha varit borta)"
            except unreachable as exc:
                cause = str(exc.__cause__ or exc).strip().splitlines()
                why = f"databasen kan inte nås ({cause[0] if cause else type(exc).__name__})"
            if time.monotonic() - started > RETRY_MOST:  # it ran a while: start over
                delay = RETRY_FIRST
            LOG.warning("%s; arbetaren försöker igen om %g s", why, delay)
            time.sleep(delay)
            delay = min(delay * 2, RETRY_MOST)
    finally:
        executor.close()


async def _work(
    url: str, executor: Executor, wait: bool, stalled_after: float, name: str | None
) -> bool:
    """Work the queue once opened; True when SIGINT or SIGTERM asked the worker to stop (it
    finishes the running job first), False when it stopped on its own."""
    from procrastinate.worker import Worker

    app = queue_app(url, executor)
    asked = False
    beat = max(stalled_after / 3, 0.5)
    async with app.open_async():
        rescuer = asyncio.create_task(_rescuing(executor, stalled_after, stalled_after / 3))
        worker = Worker(
            app=app,
            queues=[QUEUE],
            name=name or "styrkoll",
            concurrency=1,
            wait=wait,
            update_heartbeat_interval=beat,
            stalled_worker_timeout=stalled_after,
            install_signal_handlers=False,
        )
        running = asyncio.create_task(worker.run())  # type: ignore[no-untyped-call]
        loop = asyncio.get_running_loop()

        def stop() -> None:  # procrastinate stops gracefully when its task is cancelled
            nonlocal asked
            asked = True
            running.cancel()

        signals = (signal.SIGINT, signal.SIGTERM) if wait else ()
        for sig in signals:
            loop.add_signal_handler(sig, stop)
        try:
            await running
        except asyncio.CancelledError:
            if not asked:
                raise
        finally:
            for sig in signals:
                loop.remove_signal_handler(sig)
            rescuer.cancel()
            await asyncio.gather(rescuer, return_exceptions=True)
    return asked
