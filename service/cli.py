"""Service commands of `styrkoll`: serve, db, recheck, audit verify.

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


def _audit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["verify"])


def _db(args: argparse.Namespace) -> int:
    from service.migrate import downgrade, upgrade

    url = _url()
    if args.action == "upgrade":
        upgrade(url, args.revision or "head")
    else:
        downgrade(url, args.revision or "base")
    print(f"databasen {args.action}: klar")
    return 0


def _audit(_args: argparse.Namespace) -> int:
    from service import audit

    with _session(_url()) as session:
        result = audit.verify(session)
    if result.ok:
        print(f"granskningsloggen är hel: {result.entries} poster, kedjan stämmer")
        return 0
    print(f"granskningsloggen är bruten ({result.entries} poster):", file=sys.stderr)
    for problem in result.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def _recheck(args: argparse.Namespace) -> int:
    from checks.checker import Checker
    from service.checking import recheck

    year: int = args.year
    count = 0
    with Checker() as checker, _session(_url()) as session:
        for run, rows, resolved in recheck(session, checker, year, "recheck"):
            count += 1
            kind = next(k for k, v in run.dossier.items() if v == run.version_id)
            print(
                f"version {run.version_id} ({kind} {year}): körning {run.id}, "
                f"{len(rows)} fynd, {len(resolved)} lösta"
            )
        session.commit()
    print(f"{count} dokument kontrollerades igen mot katalogen {checker.catalogue.version}")
    return 0


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
AUDIT = ServiceCommand(
    "granskningsloggen: verify kontrollerar hashkedjan", _audit_arguments, _audit
)
