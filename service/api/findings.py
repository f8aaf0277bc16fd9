"""Findings, responses to them, exceptions and their four-eyes approval."""

from __future__ import annotations

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from service import access, decisions
from service import findings as stored_findings
from service.api.common import (
    SECURITY,
    db,
    decision_out,
    may,
    ok,
    responses,
    visible_finding,
)
from service.api.schemas import (
    DecisionBody,
    DecisionListOut,
    DecisionOut,
    DecisionPath,
    FindingPageOut,
    FindingPath,
    FindingsQuery,
    RejectBody,
)
from service.auth import require_user
from service.db import Decision, DocumentSeries, User
from service.errors import not_found

findings_bp = APIBlueprint(
    "findings",
    __name__,
    url_prefix="/api/v1",
    abp_tags=[Tag(name="fynd")],
    abp_security=SECURITY,
)


@findings_bp.get("/findings", responses=responses(FindingPageOut, 401, 422))
def get_findings(query: FindingsQuery) -> Response:
    """Fynden i de aktuella versionerna användaren får läsa, filtrerade och sida för sida."""
    user = require_user()
    filters = stored_findings.Filters(
        units=access.units(db(), user, "read"),
        unit=query.unit,
        year=query.year,
        kind=query.kind,
        severity=query.severity,
        rule=query.rule,
        status=query.status,
    )
    total, found = stored_findings.list_findings(
        db(), filters, query.page, query.per_page, query.lang
    )
    return ok(FindingPageOut(total=total, page=query.page, per_page=query.per_page, findings=found))


@findings_bp.post(
    "/findings/<int:finding_id>/decisions",
    responses=responses(DecisionOut, 401, 403, 404, 413, 422, status=201),
)
def post_decision(path: FindingPath, body: DecisionBody) -> Response:
    """Svara på ett fynd (enheten) eller begär ett undantag med slutdatum."""
    row, version = visible_finding(path.finding_id)
    user = may(decisions.action_for(body.kind), version.series.unit_id, "fyndet")
    decision = decisions.record(
        db(), user, version.series_id, row, body.kind, body.text, body.expires
    )
    db().commit()
    return ok(decision_out(decision), 201)


def _requested(decision_id: int) -> tuple[User, Decision]:
    """The decision and the user who may decide it (a controller of its unit): 403 for a role
    that never may, 404 for one not visible, before anything else."""
    access.require_role(require_user(), "approve_exception")  # 403 before anything is looked up
    decision = db().get(Decision, decision_id)
    if decision is None:
        raise not_found("beslutet")
    series = db().get(DocumentSeries, decision.series_id)
    assert series is not None
    return may("approve_exception", series.unit_id, "beslutet"), decision


@findings_bp.post(
    "/decisions/<int:decision_id>/approve", responses=responses(DecisionOut, 401, 403, 404, 409)
)
def approve_decision(path: DecisionPath) -> Response:
    """Godkänn ett begärt undantag (controller, fyra ögon)."""
    user, decision = _requested(path.decision_id)
    decisions.approve(db(), user, decision)
    db().commit()
    return ok(decision_out(decision))


@findings_bp.post(
    "/decisions/<int:decision_id>/reject",
    responses=responses(DecisionOut, 401, 403, 404, 409, 413, 422),
)
def reject_decision(path: DecisionPath, body: RejectBody) -> Response:
    """Avslå ett begärt undantag med motivering (controller, fyra ögon)."""
    user, decision = _requested(path.decision_id)
    decisions.reject(db(), user, decision, body.reason)
    db().commit()
    return ok(decision_out(decision))


@findings_bp.get(
    "/findings/<int:finding_id>/decisions", responses=responses(DecisionListOut, 401, 404)
)
def get_decisions(path: FindingPath) -> Response:
    """Fyndets status och svaren och undantagen på det."""
    row, version = visible_finding(path.finding_id)
    rows = decisions.decisions_on(db(), version.series_id, row.fingerprint)
    status, _ = decisions.finding_status(db(), version.series_id, row.fingerprint)
    return ok(
        DecisionListOut.model_validate(
            {"status": status, "decisions": [decision_out(d) for d in rows]}
        )
    )
