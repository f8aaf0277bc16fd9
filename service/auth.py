"""Users, passwords (argon2), session login with CSRF protection, hashed API tokens, roles.

A request is authenticated by `Authorization: Bearer <token>` (API clients) or by the session
cookie from `POST /api/v1/auth/login`. A session-authenticated request that changes anything must
send the session's CSRF token in `X-CSRF-Token`; token-authenticated requests carry no cookie and
need none.

Accounts can be ended: a session cookie carries its user's session generation
(`User.session_epoch`), which logging out and deactivation move on, so an old cookie – with or
without its CSRF token – no longer logs anyone in. A token expires (`TOKEN_DAYS`, default 90,
from `STYRKOLL_TOKEN_DAYS`) and can be revoked; a deactivated user's tokens are revoked with it.
Logins are throttled per user name and address (`service.throttle`); a failed login and every
refused request (403) is recorded in the audit trail, never with a password.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, g, has_app_context, request, session
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service import audit, throttle
from service.checkpoints import TRAIL, Trail
from service.db import ApiToken, User, utcnow
from service.errors import ApiError

HASHER = PasswordHasher()
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
OPEN_PATHS = {"/healthz", "/readyz", "/api/v1/auth/login"}
HEALTH_PATHS = {"/healthz", "/readyz"}  # no login, and credentials sent are not looked at
# The generated OpenAPI document and its Swagger page need a login too (their static assets not).
DOC_PATHS = {"/api/v1/openapi.json", "/api/v1/swagger", "/api/v1", "/api/v1/"}
TOKEN_DAYS = 90
LOG = logging.getLogger("styrkoll.auth")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _stand_in_hash() -> str:
    """A hash to check an unknown user's password against: as slow as a real user's."""
    return HASHER.hash(secrets.token_urlsafe(16))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_days() -> int:
    """How long a new token lives at most: the app's TOKEN_DAYS, else STYRKOLL_TOKEN_DAYS, 90."""
    if has_app_context() and current_app.config.get("TOKEN_DAYS"):
        return int(current_app.config["TOKEN_DAYS"])
    return int(os.environ.get("STYRKOLL_TOKEN_DAYS") or TOKEN_DAYS)


def issue_token(
    db: Session, user: User, days: int | None = None, name: str = ""
) -> tuple[str, ApiToken]:
    """A new token (shown once) and its row, valid for `days` (at most `token_days()`)."""
    token = "sk_" + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        token_hash=token_digest(token),
        name=name,
        created_at=now,
        expires_at=now + timedelta(days=days or token_days()),
    )
    db.add(row)
    db.flush()
    return token, row


def new_token(db: Session, user: User) -> str:
    return issue_token(db, user)[0]


def revoke_tokens(db: Session, user_id: int) -> int:
    """Revoke every live token of the user; how many there were."""
    result = db.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def end_sessions(db: Session, user_id: int) -> None:
    """Every session cookie of the user void from now on."""
    db.execute(update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1))


def load_user(app: Flask) -> None:
    """Before each request: who is asking, and is a state change protected against CSRF?"""
    g.user = None
    g.via_token = False
    g.token_id = None
    db: Session = g.db
    if request.path in HEALTH_PATHS:  # a probe's answer never depends on what it sends
        return
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        found = db.execute(
            select(User, ApiToken.id)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_hash == token_digest(header[7:].strip()),
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > utcnow(),
            )
        ).one_or_none()
        if found is None or not found[0].active:
            raise ApiError(401, "Inloggning krävs", "API-nyckeln är ogiltig eller har gått ut")
        g.user, g.token_id = found
        g.via_token = True
        return
    user_id = session.get("user_id")
    if user_id is not None:
        user = db.get(User, user_id)
        if user is not None and user.active and session.get("epoch") == user.session_epoch:
            g.user = user
    if g.user is None and request.path in DOC_PATHS:
        raise ApiError(401, "Inloggning krävs", "API-dokumentationen kräver inloggning")
    if g.user is not None and request.method in UNSAFE and request.path not in OPEN_PATHS:
        sent = request.headers.get("X-CSRF-Token", "")
        if not sent and request.mimetype in FORM_TYPES:  # a page's form: its field csrf_token
            sent = request.form.get("csrf_token", "")
        if not hmac.compare_digest(sent, session.get("csrf", "")):
            raise ApiError(403, "Otillåtet", "CSRF-token saknas eller är fel (X-CSRF-Token)")


def require_user() -> User:
    user: User | None = g.get("user")
    if user is None:
        raise ApiError(401, "Inloggning krävs", "logga in eller skicka en API-nyckel")
    return user


def login(app: Flask, db: Session, username: str, password: str) -> dict[str, Any]:
    """Check the password, throttled per user name and address: a known and an unknown user
    name are answered alike, as fast, and counted alike. A failure is audited (the name typed
    only as a keyed hash when no such user exists: it may be a password)."""
    address = request.remote_addr or ""
    key = throttle.pair_key(username, address)
    wait = throttle.reserve(db, key, throttle.Policy.of(app.config))
    if wait is not None:
        raise ApiError(
            429,
            "För många försök",
            "för många misslyckade inloggningar; försök igen om en stund",
            headers={"Retry-After": str(wait)},
        )
    user = db.execute(select(User).where(User.username == username)).scalar_one_or_none()
    stored = user.password_hash if user is not None else _stand_in_hash()
    right = check_password(stored, password)
    if user is None or not user.active or not right:
        reason = "unknown_user" if user is None else ("inactive" if right else "wrong_password")
        details: dict[str, Any] = {"address": address, "reason": reason}
        if user is None:
            secret = str(app.config["SECRET_KEY"]).encode("utf-8")
            details["name_hmac"] = hmac.new(secret, username.encode(), "sha256").hexdigest()[:16]
        subject = f"user:{user.username}" if user is not None else "user:?"
        audit.append(db, "anonym", "login_failed", subject, details)
        db.commit()
        raise ApiError(401, "Inloggning misslyckades", "fel användarnamn eller lösenord")
    throttle.clear(db, key)
    session.clear()
    session["user_id"] = user.id
    session["epoch"] = user.session_epoch
    session["csrf"] = secrets.token_urlsafe(32)
    return {"user": user.username, "role": user.role, "csrf_token": session["csrf"]}


def logout(db: Session, user: User) -> None:
    """End what the request came with: the token it carried (revoked), or the session (every
    session cookie of the user void). Audited; the caller commits."""
    if g.get("via_token") and g.get("token_id") is not None:
        db.execute(update(ApiToken).where(ApiToken.id == g.token_id).values(revoked_at=utcnow()))
        how = {"token": g.token_id}
    else:
        end_sessions(db, user.id)
        how = {"sessions": "ended"}
    session.clear()
    audit.append(db, user.username, "logout", f"user:{user.username}", how)


def init_app(app: Flask) -> None:
    """The audit trail's checkpoints for the app's sessions, and refusals recorded."""
    trail = Trail.configured(
        Path(app.instance_path), app.config.get("AUDIT_CHECKPOINTS"), app.config.get("AUDIT_KEY")
    )
    app.extensions["styrkoll_audit_trail"] = trail
    app.extensions["styrkoll_sessions"].configure(info={TRAIL: trail})
    app.after_request(_record_refusal)
    _stand_in_hash()  # made now, so that the first unknown name takes no longer than a known one


def _record_refusal(response: Response) -> Response:
    """Every 403 in the audit trail: who, what, why – in a transaction of its own, after the
    request's own is rolled back (it changed nothing)."""
    if response.status_code != 403:
        return response
    request_db: Session | None = g.get("db")
    user: User | None = g.get("user")
    actor = user.username if user is not None else "anonym"
    try:
        if request_db is not None:
            request_db.rollback()
        detail = ""
        if response.mimetype == "application/problem+json":
            detail = str((response.get_json(silent=True) or {}).get("detail", ""))
        with current_app.extensions["styrkoll_sessions"]() as db:
            audit.append(
                db,
                actor,
                "refused",
                f"{request.method} {request.path}",
                {"status": 403, "detail": detail, "request_id": g.get("request_id", "")},
            )
            db.commit()
    except SQLAlchemyError:
        LOG.exception("refusal not recorded in the audit trail")
    return response
