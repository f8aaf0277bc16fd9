"""Findings, responses to them, exceptions and their four-eyes approval."""

from __future__ import annotations

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from service import access, decisions, store
from service.api.common import (
    SECURITY,
    db,
    decision_out,
    finding_fields,
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
    ListedFindingOut,
)
from service.auth import require_user
from service.db import Decision, DocumentSeries
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
    units = access.units(db(), user, "read")
    out = []
    for version in store.current_versions(db(), query.year):
        series = version.series
        if units is not None and series.unit_id not in units:
            continue
        if query.unit is not None and series.unit_id != query.unit:
            continue
        if query.kind is not None and series.kind != query.kind:
            continue
        for f in store.findings_of(db(), store.latest_run(db(), version.id)):
            if query.severity and f.severity != query.severity:
                continue
            if query.rule and f.rule_id != query.rule.upper():
                continue
            status, _ = decisions.finding_status(db(), series.id, f.fingerprint)
            if query.status and status != query.status:
                continue
            out.append(
                ListedFindingOut.model_validate(
                    {
                        **finding_fields(f, status),
                        "unit": series.unit_id,
                        "year": series.year,
                        "kind": series.kind,
                        "version": version.id,
                    }
                )
            )
    start = (query.page - 1) * query.per_page
    return ok(
        FindingPageOut(
            total=len(out),
            page=query.page,
            per_page=query.per_page,
            findings=out[start : start + query.per_page],
        )
    )


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


@findings_bp.post(
    "/decisions/<int:decision_id>/approve", responses=responses(DecisionOut, 401, 403, 404, 409)
)
def approve_decision(path: DecisionPath) -> Response:
    """Godkänn ett begärt undantag (controller, fyra ögon)."""
    decision = db().get(Decision, path.decision_id)
    if decision is None:
        raise not_found("beslutet")
    series = db().get(DocumentSeries, decision.series_id)
    assert series is not None
    user = may("approve_exception", series.unit_id, "beslutet")
    decisions.approve(db(), user, decision)
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
