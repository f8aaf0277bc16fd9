"""Liveness and readiness, without a login."""

from __future__ import annotations

from flask import Response, jsonify
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from sqlalchemy import text

from service.api.common import db
from service.errors import ApiError

health = APIBlueprint("health", __name__, abp_tags=[Tag(name="drift")])


@health.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@health.get("/readyz")
def readyz() -> Response:
    try:
        db().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means not ready
        raise ApiError(503, "Inte redo", "databasen svarar inte") from None
    return jsonify({"status": "ready"})
