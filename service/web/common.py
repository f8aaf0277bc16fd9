"""What the page modules share: the request's database session and checker, the logged-in user,
the login requirement, CSRF tokens for forms, field errors, the navigation by role and the
template context every page gets (see `templates/base.html`)."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, g, redirect, render_template, request, session
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from checks.checker import Checker
from service import access
from service.db import OrgUnit, User
from service.web.errors import is_api_path
from service.web.i18n import current_lang

P = ParamSpec("P")
R = TypeVar("R")

ROLE_LABELS = {
    "enhet": _l("Enhetschef"),
    "controller": _l("Controller"),
    "revisor": _l("Revisor"),
    "admin": _l("Administratör"),
}
# What every HTML page may load: only what the service itself serves (no CDN, no inline script).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def db() -> Session:
    found: Session = g.db
    return found


def checker() -> Checker:
    found: Checker = current_app.extensions["styrkoll_get_checker"]()
    return found


def current_user() -> User | None:
    user: User | None = g.get("user")
    return user


def login_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    """A page for logged-in users: anyone else goes to the login page, and back here after."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
        if current_user() is None:
            target = request.full_path if request.query_string else request.path
            return redirect(f"/logga-in?next={_quote(target)}", 303)
        return view(*args, **kwargs)

    return wrapped


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def csrf_token() -> str:
    """The session's CSRF token, made on first use (so a login form has one before the login)."""
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_ok() -> bool:
    """Does the form carry the session's token? Needed where nobody is logged in yet (the login
    form); a logged-in user's forms are checked before every request by `service.auth`."""
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    return bool(expected) and hmac.compare_digest(str(sent), str(expected))


class FormErrors:
    """Field errors in the order of the form: field id → its messages. The error summary links
    to each field (`#id`); the field shows its messages, tied to it by aria-describedby."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def get(self, field: str) -> str | None:
        """The field's messages as one text, or None."""
        found = self.fields.get(field)
        return " ".join(found) if found else None

    def messages(self, field: str) -> list[str]:
        return self.fields.get(field, [])

    def __bool__(self) -> bool:
        return bool(self.fields)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """(field, message) for every message, for the error summary."""
        return iter([(f, m) for f, found in self.fields.items() for m in found])


@dataclass(frozen=True)
class NavItem:
    """A link in the header's navigation, shown to the roles that may take `action`."""

    endpoint: str
    label: Any  # a lazy translation
    action: access.Action | None = None  # None: every logged-in user


NAV: list[NavItem] = [
    NavItem("pages_home.start", _l("Start")),
    NavItem("pages_unit.mine", _l("Min enhet"), "upload"),
    NavItem("pages_selfcheck.form", _l("Självkontroll"), "self_check"),
    NavItem("pages_controller.overview", _l("Översikt"), "read"),
    NavItem("pages_controller.queue", _l("Undantag"), "approve_exception"),
    NavItem("pages_reports.summary_form", _l("Rapporter"), "read"),
    NavItem("pages_catalogue.index", _l("Regelkatalogen"), "read_reference"),
    NavItem("pages_audit.trail", _l("Granskningslogg"), "read_audit"),
]


def nav_for(user: User | None) -> list[NavItem]:
    if user is None:
        return []
    return [
        item
        for item in NAV
        if item.endpoint in current_app.view_functions
        and (item.action is None or access.reach(item.action, user.role) is not None)
    ]


def page(template: str, status: int = 200, **context: Any) -> Response:
    """A rendered page with its status."""
    response = Response(render_template(template, **context), status=status, mimetype="text/html")
    return response


def _unit_name(user: User | None) -> str | None:
    if user is None or user.org_unit_id is None:
        return None
    unit = db().get(OrgUnit, user.org_unit_id)
    return unit.name if unit is not None else None


def install_context(app: Flask) -> None:
    """Every template gets the user, their role and unit, the navigation, the language and the
    CSRF token; every HTML answer gets the content security policy."""

    app.jinja_env.globals["csrf_token"] = csrf_token  # also in imported macros

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _context() -> dict[str, Any]:
        user = current_user() if "db" in g else None
        return {
            "user": user,
            "role_label": ROLE_LABELS.get(user.role, user.role) if user is not None else "",
            "unit_name": _unit_name(user) if "db" in g else None,
            "nav": nav_for(user),
            "lang": current_lang(),
            "here": request.full_path if request.query_string else request.path,
        }

    @app.after_request
    def _headers(response: Response) -> Response:
        if response.mimetype == "text/html" and not is_api_path(request.path):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("Referrer-Policy", "same-origin")
            response.headers.setdefault("X-Frame-Options", "DENY")
            if current_user() is not None:
                response.headers.setdefault("Cache-Control", "no-store")
        return response
