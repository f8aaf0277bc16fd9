"""What the API's blueprints share: the request's session and checker, the security requirement,
the accepted media types, problem helpers, serialisers and the visibility lookups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, g, jsonify
from flask_openapi3.types import ResponseDict
from pydantic import BaseModel
from sqlalchemy.orm import Session

from checks.checker import Checker
from checks.loading import InputError
from service import access
from service import stored as stored_rows
from service.api.schemas import DecisionOut, FindingOut, VersionOut
from service.auth import require_user
from service.db import CheckRun, Decision, DocumentVersion, FindingRow, User
from service.errors import ApiError, not_found

SECURITY: list[dict[str, list[str]]] = [{"token": []}, {"session": []}]
MEDIA_TYPES = {
    "application/yaml": ".yaml",
    "application/x-yaml": ".yaml",
    "text/yaml": ".yaml",
    "application/json": ".json",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


# What each error status means, wherever a route declares it (the body is always a Problem).
PROBLEMS = {
    401: "inloggning krävs, eller fel användarnamn, lösenord eller API-nyckel",
    403: "otillåtet: rollen, enheten, fyra ögon eller CSRF-token (X-CSRF-Token) saknas",
    404: "finns inte, eller är inte synlig för användaren",
    409: "konflikt med det som redan finns",
    413: "begäran är för stor",
    415: "innehållstypen stöds inte",
    422: "ogiltig begäran eller ogiltigt dokument; errors anger fälten eller platsen",
    429: "för många misslyckade inloggningar, självkontroller eller uppladdningar; se Retry-After",
    503: "databasen svarar inte",
}
PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}


def responses(
    success: type[BaseModel] | dict[str, Any], *problems: int, status: int = 200
) -> ResponseDict:
    """A route's responses for the OpenAPI document: its success body and the problems it gives."""
    declared: ResponseDict = {status: success}
    for code in problems:
        declared[code] = {
            "description": PROBLEMS[code],
            "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
        }
    return declared


def ok(body: BaseModel, status: int = 200) -> Response:
    """A success response: the model as JSON."""
    response = jsonify(body.model_dump(mode="json"))
    response.status_code = status
    return response


def db() -> Session:
    session: Session = g.db
    return session


def may(action: access.Action, unit_id: int | None = None, what: str = "") -> User:
    """The logged-in user, if they may take the action (on an object of this unit): else the
    problem `service.access.require` gives."""
    user = require_user()
    access.require(db(), user, action, unit_id, what)
    return user


def checker() -> Checker:
    found: Checker = current_app.extensions["styrkoll_get_checker"]()
    return found


def input_problem(exc: InputError) -> ApiError:
    """A document the client sent that cannot be used: 422 with the Swedish message and place,
    413 when a size limit refused it (`checks.limits`)."""
    error: dict[str, Any] = {"message": exc.message_sv}
    if exc.path:
        error["path"] = exc.path
    if exc.line is not None:
        error["line"] = exc.line
    if exc.too_large:
        return ApiError(413, "För stort dokument", exc.render("sv"), [error])
    return ApiError(422, "Ogiltigt dokument", exc.render("sv"), [error])


def iso(value: datetime) -> str:
    """UTC, the same on SQLite (which drops the zone) and PostgreSQL."""
    aware = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.isoformat()


def version_out(v: DocumentVersion) -> VersionOut:
    return VersionOut.model_validate(version_fields(v))


def version_fields(v: DocumentVersion) -> dict[str, Any]:
    return {
        "id": v.id,
        "unit": v.series.unit_id,
        "year": v.series.year,
        "kind": v.series.kind,
        "version": v.version,
        "filename": v.filename,
        "media_type": v.media_type,
        "sha256": v.content_hash,
        "uploaded_by": v.uploaded_by,
        "uploaded_at": iso(v.uploaded_at),
        "given_year": v.given_year,  # what the uploader gave, for a document that does not say
        "given_committee": v.given_committee,
    }


def findings_out(
    rows: Sequence[FindingRow], status: str = "active", lang: str = "sv"
) -> list[FindingOut]:
    """Stored findings whole, rendered in `lang`, in the order of `rows`: read together, in a
    constant number of statements."""
    return [
        FindingOut.model_validate(fields)
        for fields in stored_rows.rows_fields(db(), rows, status, lang)
    ]


def decision_out(d: Decision) -> DecisionOut:
    return DecisionOut.model_validate(
        {
            "id": d.id,
            "series": d.series_id,
            "fingerprint": d.fingerprint,
            "kind": d.kind,
            "text": d.text,
            "expires": d.expires,
            "requested_by": d.requested_by,
            "approved_by": d.approved_by,
            "state": d.state,
        }
    )


def visible_version(version_id: int, what: str = "versionen") -> DocumentVersion:
    """The version, if the user may read it; else the 404 an absent `what` gets."""
    user = require_user()
    version = db().get(DocumentVersion, version_id)
    if version is None or not access.allowed(db(), user, "read", version.series.unit_id):
        raise not_found(what)
    return version


def visible_finding(finding_id: int) -> tuple[FindingRow, DocumentVersion]:
    user = require_user()
    row = db().get(FindingRow, finding_id)
    if row is None:
        raise not_found("fyndet")
    run = db().get(CheckRun, row.run_id)
    assert run is not None
    version = db().get(DocumentVersion, run.version_id)
    assert version is not None
    if not access.allowed(db(), user, "read", version.series.unit_id):
        raise not_found("fyndet")
    return row, version
