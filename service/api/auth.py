"""Login, logout and API tokens under /api/v1/auth."""

from __future__ import annotations

from flask import Response, current_app, session
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from service import audit
from service.api.common import SECURITY, db, may, ok, responses
from service.api.schemas import LoginBody, LoginOut, StatusOut, TokenOut
from service.auth import login, new_token

auth_bp = APIBlueprint(
    "auth", __name__, url_prefix="/api/v1/auth", abp_tags=[Tag(name="inloggning")]
)


@auth_bp.post("/login", responses=responses(LoginOut, 401, 413, 422, 429))
def post_login(body: LoginBody) -> Response:
    """Logga in med användarnamn och lösenord: en session och dess CSRF-token."""
    result = login(current_app, db(), body.username, body.password)
    audit.append(db(), body.username, "login", f"user:{body.username}")
    db().commit()
    return ok(LoginOut.model_validate(result))


@auth_bp.post("/logout", security=SECURITY, responses=responses(StatusOut, 401, 403))
def post_logout() -> Response:
    """Logga ut."""
    user = may("own_account")
    session.clear()
    audit.append(db(), user.username, "logout", f"user:{user.username}")
    db().commit()
    return ok(StatusOut(status="utloggad"))


@auth_bp.post("/tokens", security=SECURITY, responses=responses(TokenOut, 401, 403, status=201))
def post_token() -> Response:
    """Skapa en API-nyckel; den visas bara i svaret."""
    user = may("own_account")
    token = new_token(db(), user)
    audit.append(db(), user.username, "token_created", f"user:{user.username}")
    db().commit()
    return ok(TokenOut(token=token, note="visas bara nu; spara den säkert"), 201)
