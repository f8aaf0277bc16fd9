"""The Flask application: `create_app(test_config=None)`.

Configuration comes from the environment: `DATABASE_URL` (default: `styrkoll.db` in the instance
folder, see `instance_dir`), `STYRKOLL_INSTANCE` (the instance folder), `SECRET_KEY` (required
outside development and tests), `STYRKOLL_MAX_UPLOAD` (bytes). Every request gets an id (header
`X-Request-Id`) and one structured log line – method, path, status, duration, user – never document
content.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import secrets
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request
from flask_openapi3.models.info import Info
from pydantic import ValidationError
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException, NotFound

from checks.checker import Checker
from checks.engine import EngineError
from checks.loading import error_text
from service.api import ApiApp, Problem, register
from service.errors import ApiError
from service.jobs import jobs_mode
from service.web import register_pages
from service.web.errors import html_error, is_page_request

LOG = logging.getLogger("styrkoll.requests")
MAX_ID = 2**31 - 1  # the ids' column type on PostgreSQL: a larger id in a path names nothing
DATABASE_RETRY_AFTER = 5  # seconds a client is asked to wait while the database does not answer


def instance_dir() -> Path:
    """Where the service keeps its files (the default SQLite database): `STYRKOLL_INSTANCE`; in a
    source tree (an editable install, `make run`) its `instance/`; installed, Flask's place for an
    installed package's instance folder, `<prefix>/var/styrkoll-instance`, inside the virtual
    environment it was installed into, never inside site-packages."""
    configured = os.environ.get("STYRKOLL_INSTANCE")
    if configured:
        return Path(configured).resolve()
    source_tree = Path(__file__).resolve().parent.parent
    if (source_tree / "pyproject.toml").is_file():
        return source_tree / "instance"
    return Path(sys.prefix).resolve() / "var" / "styrkoll-instance"


def default_database_url(instance: Path | None = None) -> str:
    folder = instance if instance is not None else instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'styrkoll.db'}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _validation_problem(exc: ValidationError) -> Response:
    if request.is_json and request.get_data() and request.get_json(silent=True) is None:
        return ApiError(
            422,
            "Ogiltig begäran",
            "kroppen är inte giltig JSON",
            [{"path": "", "message": "ogiltig JSON"}],
        ).response(g.get("request_id", ""))
    errors = [
        {"path": ".".join(str(p) for p in e["loc"]), "message": error_text(e)[0]}
        for e in exc.errors(include_url=False)
    ]
    return ApiError(422, "Ogiltig begäran", "fälten nedan är fel", errors).response(
        getattr(g, "request_id", "")
    )


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application; `test_config` may set `INSTANCE_PATH` (else `instance_dir()`)."""
    instance = Path((test_config or {}).get("INSTANCE_PATH") or instance_dir()).resolve()
    app = ApiApp(
        __name__,
        instance_path=str(instance),
        info=Info(title="Styrkoll API", version="1"),
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        validation_error_status=422,
        validation_error_model=Problem,
        validation_error_callback=_validation_problem,
        security_schemes={
            "token": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
    )
    env = os.environ
    config: dict[str, Any] = {
        "DATABASE_URL": env.get("DATABASE_URL") or "",
        "SECRET_KEY": env.get("SECRET_KEY"),
        "MAX_CONTENT_LENGTH": int(env.get("STYRKOLL_MAX_UPLOAD", str(6 * 1024 * 1024))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "LOGIN_LIMIT": 5,  # failed logins per user name or address in LOGIN_WINDOW seconds
        "LOGIN_WINDOW": 900,
        "DEVELOPMENT": env.get("STYRKOLL_ENV", "production") == "development",
        # self-checks and uploads per user and window (service.ratelimit; 0: no limit)
        "RATE_CHECKS": int(env.get("STYRKOLL_RATE_CHECKS", "30")),
        "RATE_UPLOADS": int(env.get("STYRKOLL_RATE_UPLOADS", "30")),
        "RATE_WINDOW": int(env.get("STYRKOLL_RATE_WINDOW", "60")),
    }
    config.update(test_config or {})
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = default_database_url(instance)
    # an upload's check done in the request, or queued for a worker (service.jobs)
    config["JOBS"] = jobs_mode(
        config["DATABASE_URL"], config.get("JOBS") or env.get("STYRKOLL_JOBS")
    )
    if not config["SECRET_KEY"]:
        if not (config.get("TESTING") or config["DEVELOPMENT"]):
            raise RuntimeError(
                "SECRET_KEY saknas: sätt miljövariabeln SECRET_KEY (eller STYRKOLL_ENV="
                "development för lokal utveckling)"
            )
        config["SECRET_KEY"] = secrets.token_hex(32)
    app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Swedish as Swedish, not \u00e5
    if not LOG.handlers:  # one JSON line per request on stderr (gunicorn and `styrkoll serve`)
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False

    engine = make_engine(app.config["DATABASE_URL"])
    factory = sessionmaker(engine, expire_on_commit=False)
    app.extensions["styrkoll_engine"] = engine
    app.extensions["styrkoll_sessions"] = factory
    from service.auth import init_app as init_auth

    init_auth(app)  # the audit trail's checkpoints for these sessions; refusals recorded

    if app.config.get("CHECKER") is not None:  # tests share one checker across apps
        app.extensions["styrkoll_checker"] = app.config["CHECKER"]

    def checker() -> Checker:
        found = app.extensions.get("styrkoll_checker")
        if found is None:
            found = Checker()
            app.extensions["styrkoll_checker"] = found
            atexit.register(found.close)
        return found

    app.extensions["styrkoll_get_checker"] = checker

    @app.before_request
    def _begin() -> None:
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        g.started = time.perf_counter()
        # an id no table can hold names nothing (and would overflow the database's integer)
        if any(
            isinstance(v, int) and not 1 <= v <= MAX_ID for v in (request.view_args or {}).values()
        ):
            raise NotFound()
        g.db = factory()
        from service.auth import load_user

        load_user(app)
        # the name for the log line, read now: a flush that fails (the database gone) expires
        # the user, and the log line must not load it again from a session that cannot
        user = g.get("user")
        g.username = user.username if user is not None else None

    @app.teardown_request
    def _end(_exc: BaseException | None) -> None:
        db: Session | None = g.pop("db", None)
        if db is not None:
            try:
                db.rollback()
                db.close()
            except DBAPIError:
                # the connection went away under the request (the database restarted, its
                # connections cut): nothing is left to roll back, and the answer is given already
                db.invalidate()

    @app.after_request
    def _log(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        response.headers["X-Content-Type-Options"] = "nosniff"
        LOG.info(
            json.dumps(
                {
                    "request_id": g.get("request_id"),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round(
                        (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1
                    ),
                    "user": g.get("username"),
                }
            )
        )
        return response

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        if is_page_request():
            return html_error(exc.status, exc.detail, exc.headers, g.get("request_id", ""))
        return exc.response(g.get("request_id", ""))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        titles = {
            400: "Felaktig begäran",
            401: "Inloggning krävs",
            403: "Otillåtet",
            404: "Hittades inte",
            405: "Metoden stöds inte",
            413: "För stor begäran",
            415: "Fel innehållstyp",
            429: "För många försök",
        }
        status = exc.code or 500
        # the methods a 405 allows (RFC 9110: Allow is required), as werkzeug's own answer has
        allow = {k: v for k, v in exc.get_headers() if k == "Allow"}
        if is_page_request():
            return html_error(status, "", allow, g.get("request_id", ""))
        detail = {
            413: f"högst {app.config['MAX_CONTENT_LENGTH']} byte per begäran",
            404: "adressen finns inte",
        }.get(status, "")
        return ApiError(status, titles.get(status, "Fel"), detail, headers=allow).response(
            g.get("request_id", "")
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_down(exc: DBAPIError) -> Response:
        """The database does not answer: 503 with Retry-After and one log line, no traceback."""
        LOG.warning(
            json.dumps(
                {
                    "request_id": g.get("request_id"),
                    "error": "database_unavailable",
                    "detail": str(exc.orig).splitlines()[0][:200] if exc.orig else "",
                }
            )
        )
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
        if is_page_request():
            return html_error(503, "", headers, g.get("request_id", ""))
        return ApiError(
            503,
            "Tjänsten är inte tillgänglig",
            "databasen svarar inte; försök igen om en stund",
            headers=headers,
        ).response(g.get("request_id", ""))

    @app.errorhandler(EngineError)
    def _not_judged(exc: EngineError) -> Response:
        """The engine gave no trustworthy result (too many facts, its time ran out, it failed):
        the document could not be checked, which is said, never passed over; nothing is kept
        (the request's transaction is rolled back)."""
        LOG.warning(
            json.dumps({"request_id": g.get("request_id"), "error": "engine", "detail": str(exc)})
        )
        detail = f"dokumentet kunde inte kontrolleras: {exc.message_sv}"
        if is_page_request():
            return html_error(422, detail, None, g.get("request_id", ""))
        return ApiError(422, "Kunde inte kontrolleras", detail).response(g.get("request_id", ""))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:  # a bug of ours: logged, never shown
        LOG.exception("unhandled error in request %s", g.get("request_id"))
        if is_page_request():
            return html_error(500, request_id=g.get("request_id", ""))
        return ApiError(500, "Internt fel", "felet är loggat med begärans id").response(
            g.get("request_id", "")
        )

    register(app)
    register_pages(app)  # the web pages (service/web/), with Flask-Babel
    return app
