"""Liveness and readiness, without a login."""

from __future__ import annotations

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from sqlalchemy import text

from service.api.common import db, ok, responses
from service.api.schemas import StatusOut
from service.errors import ApiError

health = APIBlueprint("health", __name__, abp_tags=[Tag(name="drift")])


@health.get("/healthz", responses=responses(StatusOut))
def healthz() -> Response:
    """Processen lever."""
    return ok(StatusOut(status="ok"))


@health.get("/readyz", responses=responses(StatusOut, 503))
def readyz() -> Response:
    """Tjänsten är redo: databasen svarar."""
    try:
        db().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means not ready
        raise ApiError(503, "Inte redo", "databasen svarar inte") from None
    return ok(StatusOut(status="ready"))
