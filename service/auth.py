"""Users, passwords (argon2), session login with CSRF protection, hashed API tokens, roles.

A request is authenticated by `Authorization: Bearer <token>` (API clients) or by the session
cookie from `POST /api/v1/auth/login`. A session-authenticated request that changes anything must
send the session's CSRF token in `X-CSRF-Token`; token-authenticated requests carry no cookie and
need none. Failed logins are counted in the database (so across worker processes) and limited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, g, request, session
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.db import ApiToken, LoginAttempt, User, utcnow
from service.errors import ApiError

HASHER = PasswordHasher()
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
OPEN_PATHS = {"/healthz", "/readyz", "/api/v1/auth/login"}
# The generated OpenAPI document and its Swagger page need a login too (their static assets not).
DOC_PATHS = {"/api/v1/openapi.json", "/api/v1/swagger", "/api/v1", "/api/v1/"}


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(db: Session, user: User) -> str:
    token = "sk_" + secrets.token_urlsafe(32)
    db.add(ApiToken(user_id=user.id, token_hash=token_digest(token)))
    return token


def load_user(app: Flask) -> None:
    """Before each request: who is asking, and is a state change protected against CSRF?"""
    g.user = None
    g.via_token = False
    db: Session = g.db
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        row = db.execute(
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == token_digest(header[7:].strip()))
        ).scalar_one_or_none()
        if row is None or not row.active:
            raise ApiError(401, "Inloggning krävs", "API-nyckeln är ogiltig")
        g.user = row
        g.via_token = True
        return
    user_id = session.get("user_id")
    if user_id is not None:
        user = db.get(User, user_id)
        if user is not None and user.active:
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
    """Check the password, rate-limited per user name and per address."""
    window = utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW"])
    keys = [f"user:{username.lower()}", f"addr:{request.remote_addr}"]
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < window))
    for key in keys:
        failures = db.execute(
            select(func.count()).select_from(LoginAttempt).where(LoginAttempt.key == key)
        ).scalar_one()
        if failures >= app.config["LOGIN_LIMIT"]:
            db.commit()
            raise ApiError(
                429,
                "För många försök",
                "för många misslyckade inloggningar; försök igen om en stund",
                headers={"Retry-After": str(app.config["LOGIN_WINDOW"])},
            )
    user = db.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active or not check_password(user.password_hash, password):
        for key in keys:
            db.add(LoginAttempt(key=key))
        db.commit()
        raise ApiError(401, "Inloggning misslyckades", "fel användarnamn eller lösenord")
    session.clear()
    session["user_id"] = user.id
    session["csrf"] = secrets.token_urlsafe(32)
    db.execute(delete(LoginAttempt).where(LoginAttempt.key == keys[0]))
    return {"user": user.username, "role": user.role, "csrf_token": session["csrf"]}
