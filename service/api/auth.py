"""Login, logout and API tokens under /api/v1/auth."""

from __future__ import annotations

from flask import Response, current_app, g
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from service import accounts, audit
from service.api.common import SECURITY, db, iso, may, ok, responses
from service.api.schemas import (
    LoginBody,
    LoginOut,
    StatusOut,
    TokenInfoOut,
    TokenListOut,
    TokenOut,
    TokenPath,
    TokenQuery,
)
from service.auth import issue_token, login, logout, token_days
from service.db import ApiToken, User
from service.errors import ApiError, not_found

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
    """Logga ut: sessionen (alla användarens sessioner) eller API-nyckeln begäran kom med
    upphör att gälla."""
    user = may("own_account")
    logout(db(), user)
    db().commit()
    return ok(StatusOut(status="utloggad"))


@auth_bp.post(
    "/tokens", security=SECURITY, responses=responses(TokenOut, 401, 403, 422, status=201)
)
def post_token(query: TokenQuery) -> Response:
    """Skapa en API-nyckel; den visas bara i svaret och gäller högst TOKEN_DAYS dagar (90)."""
    user = may("own_account")
    most = token_days()
    if query.days is not None and query.days > most:
        raise ApiError(
            422,
            "Ogiltig begäran",
            f"en API-nyckel gäller högst {most} dagar",
            [{"path": "days", "message": f"högst {most}"}],
        )
    token, row = issue_token(db(), user, query.days, query.name)
    audit.append(
        db(),
        user.username,
        "token_created",
        f"user:{user.username}",
        {"token": row.id, "name": row.name, "expires": iso(row.expires_at)},
    )
    db().commit()
    return ok(
        TokenOut(
            token=token,
            note="visas bara nu; spara den säkert",
            id=row.id,
            name=row.name,
            expires_at=iso(row.expires_at),
        ),
        201,
    )


@auth_bp.get("/tokens", security=SECURITY, responses=responses(TokenListOut, 401))
def get_tokens() -> Response:
    """Dina API-nycklar, nyaste först: aldrig själva nyckeln."""
    user = may("own_account")
    return ok(TokenListOut(tokens=[token_out(t, user) for t in accounts.tokens_of(db(), user.id)]))


@auth_bp.delete(
    "/tokens/<int:token_id>", security=SECURITY, responses=responses(TokenInfoOut, 401, 403, 404)
)
def delete_token(path: TokenPath) -> Response:
    """Återkalla en av dina API-nycklar."""
    user = may("own_account")
    row = accounts.revoke_token(db(), user, user, path.token_id)
    if row is None:
        raise not_found("API-nyckeln")
    db().commit()
    return ok(token_out(row, user))


def token_out(row: ApiToken, owner: User) -> TokenInfoOut:
    return TokenInfoOut(
        id=row.id,
        user=owner.username,
        name=row.name,
        created_at=iso(row.created_at),
        expires_at=iso(row.expires_at),
        revoked_at=iso(row.revoked_at) if row.revoked_at is not None else None,
        active=accounts.token_live(row),
        current=g.get("token_id") == row.id,
    )
