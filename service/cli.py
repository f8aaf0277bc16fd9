"""Service commands of `styrkoll`: serve, db, recheck, worker, audit verify.

They join the one `styrkoll` command through the entry-point group `styrkoll.commands`
(pyproject.toml): each entry point names one of the command objects below, which follow the
protocol `checks.cli.Command`. `checks.cli` loads this module only when the command line names one
of these commands (or asks for help), and importing it needs nothing but the standard library:
Flask and SQLAlchemy are imported when a command runs, after `checks.cli` has made sure that the
extra they belong to (`extra = "service"`) is installed.

They use `DATABASE_URL` (default: `styrkoll.db` in the instance folder, see
`service.app.instance_dir`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from service.db import CheckJob


@dataclass(frozen=True)
class ServiceCommand:
    """One service command: its help line, its arguments, what it does."""

    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    action: Callable[[argparse.Namespace], int]
    extra: str | None = "service"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        self.arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        return self.action(args)


def _url() -> str:
    from service.app import default_database_url

    return os.environ.get("DATABASE_URL") or default_database_url()


def _session(url: str) -> Session:
    from sqlalchemy.orm import sessionmaker

    from service.app import make_engine

    return sessionmaker(make_engine(url), expire_on_commit=False)()


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--no-demo", action="store_true", help="ladda inte demoorganisationen")


def _db_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["upgrade", "downgrade"])
    parser.add_argument("revision", nargs="?", default=None)


def _recheck_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="med kön: lägg jobben i kön och avsluta; arbetarna (styrkoll worker) tar dem",
    )
    parser.add_argument(
        "--reread",
        action="store_true",
        help="läs originalen igen i stället för de validerade modellerna (efter en ändrad import)",
    )


def _worker_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stalled-after",
        type=float,
        default=30.0,
        help="sekunder utan livstecken innan en annan arbetares jobb tas om (standard 30)",
    )
    parser.add_argument(
        "--until-idle", action="store_true", help="avsluta när kön inte har mer att göra"
    )


def _audit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["verify", "checkpoint"],
        help="verify: kedjan, kontrollpunkterna, versionerna (originalen), besluten och "
        "användarna; checkpoint: signera loggens nuvarande slut, om allt stämmer",
    )


def _db(args: argparse.Namespace) -> int:
    from service.migrate import downgrade, upgrade

    url = _url()
    if args.action == "upgrade":
        upgrade(url, args.revision or "head")
    else:
        downgrade(url, args.revision or "base")
    print(f"databasen {args.action}: klar")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from service import audit
    from service.checkpoints import Trail

    with _session(_url()) as session:
        result = audit.verify(session, Trail.configured(create_key=False), originals=True)
        if result.ok and args.action == "checkpoint" and result.entries:
            head = audit.checkpoint(session, Trail.configured())
            print(f"kontrollpunkt skriven: post {head}")
            result = audit.verify(session, Trail.configured(create_key=False), originals=True)
    for note in result.notes:
        print(f"obs: {note}")
    if result.ok:
        print(
            f"granskningsloggen är hel: {result.entries} poster; kedjan, kontrollpunkterna och "
            "posterna om versioner, beslut och användare stämmer"
        )
        return 0
    print(f"granskningsloggen är bruten ({result.entries} poster):", file=sys.stderr)
    for problem in result.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def _recheck(args: argparse.Namespace) -> int:
    from checks.catalogue import load_catalogue
    from service import jobs

    year: int = args.year
    url = _url()
    try:
        mode = jobs.jobs_mode(url, os.environ.get("STYRKOLL_JOBS"))
    except jobs.JobError as exc:
        print(f"styrkoll recheck: {exc}", file=sys.stderr)
        return 2
    catalogue = load_catalogue()
    with _session(url) as session:
        queued = jobs.recheck_year(
            session, year, "recheck", catalogue.content_hash, mode == "queue", args.reread
        )
        session.commit()
        if mode == "queue":
            jobs.after_bulk_enqueue(session, len(queued))
    ids = [job.id for job in queued]
    if mode == "queue":
        print(f"{len(ids)} jobb i kön, ett per enhet med handlingar för {year}")
        if args.no_wait:
            print("  följ dem med GET /api/v1/jobs/{id}: " + ", ".join(map(str, ids)))
            return 0
    done = _work(url, mode, ids) if ids else []
    count, failed = 0, 0
    for job in done:
        if job.finished_at is None:
            failed += 1
            print(f"jobb {job.id} (enhet {job.unit_id}) misslyckades: {job.error}", file=sys.stderr)
            continue
        for run in job.runs or []:
            count += 1
            print(
                f"version {run['version']} ({run['kind']} {year}): körning {run['run']}, "
                f"{run['findings']} fynd, {run['resolved']} lösta"
            )
    print(f"{count} dokument kontrollerades igen mot katalogen {catalogue.version}")
    return 1 if failed else 0


def _work(url: str, mode: str, ids: list[int]) -> list[CheckJob]:
    """The jobs done: here one by one (inline), or by this process as one more worker on the
    queue until it is empty, then waited for while other workers finish theirs."""
    import time

    from sqlalchemy import select

    from checks.checker import Checker
    from service import jobs
    from service.db import CheckJob

    with Checker() as checker:
        if mode == "inline":
            executor = jobs.Executor(url, checker)
            try:
                for job_id in ids:
                    try:
                        jobs.execute(executor.sessions, executor.checker_for, job_id)
                    except Exception:  # noqa: BLE001 - kept in the job's error, reported below
                        continue
            finally:
                executor.close()
        while True:
            if mode == "queue":
                jobs.run_worker(url, wait=False, checker=checker, name="recheck")
            with _session(url) as session:
                found = list(
                    session.execute(select(CheckJob).where(CheckJob.id.in_(ids))).scalars()
                )
                states = {j.id: jobs.state_of(session, j).state for j in found}
            if mode == "inline" or all(s in ("done", "failed") for s in states.values()):
                return sorted(found, key=lambda j: j.id)
            time.sleep(1.0)


def _worker(args: argparse.Namespace) -> int:
    from service import jobs

    url = _url()
    try:
        if jobs.jobs_mode(url, "queue") != "queue":
            return 2
    except jobs.JobError as exc:
        print(f"styrkoll worker: {exc}", file=sys.stderr)
        return 2
    print(f"Styrkolls arbetare tar kontroller ur kön (databas: {_redacted(url)})", flush=True)
    jobs.run_worker(url, wait=not args.until_idle, stalled_after=args.stalled_after)
    return 0


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _serve(args: argparse.Namespace) -> int:
    from service.app import create_app
    from service.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
    from service.migrate import upgrade

    url = _url()
    os.environ.setdefault("STYRKOLL_ENV", "development")
    upgrade(url)
    app = create_app({"DATABASE_URL": url})
    if not args.no_demo:
        with app.app_context(), _session(url) as session:
            load_demo(session, app.extensions["styrkoll_get_checker"]())
    base = f"http://{args.host}:{args.port}"
    print(f"Styrkoll kör på {base} (databas: {url})")
    print(f"  API-dokumentation: {base}/api/v1/swagger")
    print(f"  Logga in: POST {base}/api/v1/auth/login med JSON {{username, password}}")
    if not args.no_demo:
        print(f"  Demoanvändare (lösenord {DEMO_PASSWORD}):")
        for username, role, unit in DEMO_USERS:
            print(f"    {username:<12} {role:<11} {unit or 'hela staden'}")
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
    return 0


SERVE = ServiceCommand(
    "migrera databasen, ladda demo och starta tjänsten", _serve_arguments, _serve
)
DB = ServiceCommand("databasens schema: upgrade eller downgrade", _db_arguments, _db)
RECHECK = ServiceCommand(
    "kontrollera alla lagrade dokument för ett år igen", _recheck_arguments, _recheck
)
WORKER = ServiceCommand(
    "en arbetare som tar kontrolljobb ur kön (PostgreSQL); starta fler för fler kärnor",
    _worker_arguments,
    _worker,
)
AUDIT = ServiceCommand(
    "granskningsloggen: verify kontrollerar kedjan och dess kontrollpunkter",
    _audit_arguments,
    _audit,
)
