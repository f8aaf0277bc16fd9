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

NO_DATABASE = {"/healthz"}  # answers without the database
UNAVAILABLE = {
    "description": "databasen svarar inte; försök igen efter Retry-After sekunder",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
BLUEPRINTS = (health, auth_bp, docs_bp, findings_bp, admin_bp, jobs_bp, reports_bp)

__all__ = ["BLUEPRINTS", "ApiApp", "Problem", "register"]


class ApiApp(OpenAPI):
    """flask-openapi3's application, whose document says only what the routes declare.

    flask-openapi3 gives every operation without a 422 its own validation-error response (a JSON
    array of `validation_error_model`); ours are problems, declared by the routes that validate
    input, so that generic one is dropped where a route gives none. Every operation that reads
    the database may answer 503 (the database does not answer; `Retry-After` says when to try
    again): declared once here for all of them."""

    def generate_spec_json(self) -> None:
        super().generate_spec_json()  # type: ignore[no-untyped-call]
        for path, item in self.spec_json["paths"].items():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                generic = responses.get("422", {})
                if "application/json" in generic.get("content", {}):
                    del responses["422"]
                if path not in NO_DATABASE:
                    responses.setdefault("503", UNAVAILABLE)


def register(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_api(bp)  # type: ignore[attr-defined]
