"""Login, logout and API tokens under /api/v1/auth."""

from __future__ import annotations

from flask import Response, current_app, jsonify, session
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from service import audit
from service.api.common import SECURITY, db
from service.api.schemas import LoginBody
from service.auth import login, new_token, require_user

auth_bp = APIBlueprint(
    "auth", __name__, url_prefix="/api/v1/auth", abp_tags=[Tag(name="inloggning")]
)


@auth_bp.post("/login")
def post_login(body: LoginBody) -> Response:
    result = login(current_app, db(), body.username, body.password)
    audit.append(db(), body.username, "login", f"user:{body.username}")
    db().commit()
    return jsonify(result)


@auth_bp.post("/logout")
def post_logout() -> Response:
    user = require_user()
    session.clear()
    audit.append(db(), user.username, "logout", f"user:{user.username}")
    db().commit()
    return jsonify({"status": "utloggad"})


@auth_bp.post("/tokens", security=SECURITY)
def post_token() -> tuple[Response, int]:
    user = require_user()
    token = new_token(db(), user)
    audit.append(db(), user.username, "token_created", f"user:{user.username}")
    db().commit()
    return jsonify({"token": token, "note": "visas bara nu; spara den säkert"}), 201
