"""The HTTP API under /api/v1, one blueprint per concern (`health`, `auth`, `documents`,
`findings`, `admin`), described by the pydantic models of `schemas`, from which flask-openapi3
generates the OpenAPI document (`/api/v1/openapi.json`, Swagger UI at `/api/v1/swagger`, its assets
shipped by the flask-openapi3-swagger package: no CDN)."""

from __future__ import annotations

from flask import Flask

from service.api.admin import admin_bp
from service.api.auth import auth_bp
from service.api.documents import docs_bp
from service.api.findings import findings_bp
from service.api.health import health
from service.auth import ROLES

BLUEPRINTS = (health, auth_bp, docs_bp, findings_bp, admin_bp)


def register(app: Flask) -> None:
    assert set(ROLES) == {"enhet", "controller", "revisor", "admin"}
    for bp in BLUEPRINTS:
        app.register_api(bp)  # type: ignore[attr-defined]
