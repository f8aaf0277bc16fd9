"""The HTTP API under /api/v1, one blueprint per concern (`health`, `auth`, `documents`,
`findings`, `admin`, `jobs`), described by the pydantic models of `schemas` (and of `jobs`), from
which flask-openapi3 generates the OpenAPI document (`/api/v1/openapi.json`, Swagger UI at
`/api/v1/swagger`, its assets shipped by the flask-openapi3-swagger package: no CDN). Every route
declares its success body and the problems (`application/problem+json`, schema `Problem`) it can
answer with."""

from __future__ import annotations

from flask import Flask
from flask_openapi3.openapi import OpenAPI

from service.api.admin import admin_bp
from service.api.auth import auth_bp
from service.api.documents import docs_bp
from service.api.findings import findings_bp
from service.api.health import health
from service.api.jobs import jobs_bp
from service.api.reports import reports_bp
from service.api.schemas import Problem

BLUEPRINTS = (health, auth_bp, docs_bp, findings_bp, admin_bp, jobs_bp, reports_bp)

__all__ = ["BLUEPRINTS", "ApiApp", "Problem", "register"]


class ApiApp(OpenAPI):
    """flask-openapi3's application, whose document says only what the routes declare.

    flask-openapi3 gives every operation without a 422 its own validation-error response (a JSON
    array of `validation_error_model`); ours are problems, declared by the routes that validate
    input, so that generic one is dropped where a route gives none."""

    def generate_spec_json(self) -> None:
        super().generate_spec_json()  # type: ignore[no-untyped-call]
        for item in self.spec_json["paths"].values():
            for operation in item.values():
                generic = operation.get("responses", {}).get("422", {})
                if "application/json" in generic.get("content", {}):
                    del operation["responses"]["422"]


def register(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_api(bp)  # type: ignore[attr-defined]
