"""Service commands of `styrkoll`: serve, db, recheck, audit verify.

They use `DATABASE_URL` (default: the SQLite file under instance/).
"""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy.orm import Session, sessionmaker

from service.app import default_database_url, make_engine


def _url() -> str:
    return os.environ.get("DATABASE_URL") or default_database_url()


def _session(url: str) -> Session:
    return sessionmaker(make_engine(url), expire_on_commit=False)()


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = sub.add_parser("serve", help="migrera databasen, ladda demo och starta tjänsten")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--no-demo", action="store_true", help="ladda inte demoorganisationen")
    dbc = sub.add_parser("db", help="databasens schema: upgrade eller downgrade")
    dbc.add_argument("action", choices=["upgrade", "downgrade"])
    dbc.add_argument("revision", nargs="?", default=None)
    recheck = sub.add_parser("recheck", help="kontrollera alla lagrade dokument för ett år igen")
    recheck.add_argument("--year", type=int, required=True)
    aud = sub.add_parser("audit", help="granskningsloggen: verify kontrollerar hashkedjan")
    aud.add_argument("action", choices=["verify"])


def run(args: argparse.Namespace) -> int:
    from service import audit
    from service.migrate import downgrade, upgrade

    url = _url()
    if args.command == "db":
        if args.action == "upgrade":
            upgrade(url, args.revision or "head")
        else:
            downgrade(url, args.revision or "base")
        print(f"databasen {args.action}: klar")
        return 0
    if args.command == "audit":
        with _session(url) as session:
            result = audit.verify(session)
        if result.ok:
            print(f"granskningsloggen är hel: {result.entries} poster, kedjan stämmer")
            return 0
        print(f"granskningsloggen är bruten ({result.entries} poster):", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if args.command == "recheck":
        return _recheck(url, args.year)
    return _serve(url, args)


def _recheck(url: str, year: int) -> int:
    from checks.checker import Checker
    from service import store

    count = 0
    with Checker() as checker, _session(url) as session:
        for version in store.current_versions(session, year):
            run, rows, resolved = store.run_check(session, checker, version, None, "recheck")
            count += 1
            print(
                f"version {version.id} ({version.series.kind} {year}): körning {run.id}, "
                f"{len(rows)} fynd, {len(resolved)} lösta"
            )
        session.commit()
    print(f"{count} dokument kontrollerades igen mot katalogen {checker.catalogue.version}")
    return 0


def _serve(url: str, args: argparse.Namespace) -> int:
    from service.app import create_app
    from service.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
    from service.migrate import upgrade

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
