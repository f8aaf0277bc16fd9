"""Findings, responses to them, exceptions and their four-eyes approval."""

from __future__ import annotations

from datetime import date

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from sqlalchemy import select

from service import audit, store
from service.api.common import (
    SECURITY,
    db,
    decision_out,
    finding_fields,
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
from service.auth import require_role, require_user
from service.db import Decision, DocumentSeries, utcnow
from service.errors import ApiError, forbidden, not_found

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
    units = store.readable_units(db(), user)
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
            status, _ = store.finding_status(db(), series.id, f.fingerprint)
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
    user = require_user()
    row, version = visible_finding(path.finding_id)
    series = version.series
    if body.kind in store.RESPONSE_KINDS:
        if user.role != "enhet" or user.org_unit_id != series.unit_id:
            raise forbidden("bara enheten själv svarar på sina fynd")
        state = "recorded"
    else:
        if user.role not in ("enhet", "controller") or (
            user.role == "enhet" and user.org_unit_id != series.unit_id
        ):
            raise forbidden("undantag begärs av enheten eller en controller")
        if body.expires is None:
            raise ApiError(
                422,
                "Ogiltig begäran",
                "ett undantag kräver ett slutdatum",
                [{"path": "expires", "message": "saknas"}],
            )
        if body.expires <= date.today():
            raise ApiError(
                422,
                "Ogiltig begäran",
                "slutdatumet måste ligga i framtiden",
                [{"path": "expires", "message": "har redan passerat"}],
            )
        state = "requested"
    decision = Decision(
        series_id=series.id,
        fingerprint=row.fingerprint,
        kind=body.kind,
        text=body.text,
        expires=body.expires,
        requested_by=user.id,
        state=state,
    )
    db().add(decision)
    db().flush()
    audit.append(
        db(),
        user.username,
        f"decision_{state}",
        f"decision:{decision.id}",
        {
            "finding": row.id,
            "fingerprint": row.fingerprint,
            "kind": body.kind,
            "expires": body.expires.isoformat() if body.expires else None,
        },
    )
    db().commit()
    return ok(decision_out(decision), 201)


@findings_bp.post(
    "/decisions/<int:decision_id>/approve", responses=responses(DecisionOut, 401, 403, 404, 409)
)
def approve_decision(path: DecisionPath) -> Response:
    """Godkänn ett begärt undantag (controller, fyra ögon)."""
    user = require_role("controller")
    decision = db().get(Decision, path.decision_id)
    if decision is None:
        raise not_found("beslutet")
    series = db().get(DocumentSeries, decision.series_id)
    assert series is not None
    if not store.can_read(db(), user, series.unit_id):
        raise not_found("beslutet")
    if decision.state != "requested":
        raise ApiError(409, "Konflikt", "beslutet är inte ett begärt undantag")
    if decision.requested_by == user.id:
        raise forbidden("fyra ögon: den som begär ett undantag får inte godkänna det")
    decision.state = "approved"
    decision.approved_by = user.id
    decision.approved_at = utcnow()
    audit.append(
        db(),
        user.username,
        "decision_approved",
        f"decision:{decision.id}",
        {"fingerprint": decision.fingerprint},
    )
    db().commit()
    return ok(decision_out(decision))


@findings_bp.get(
    "/findings/<int:finding_id>/decisions", responses=responses(DecisionListOut, 401, 404)
)
def get_decisions(path: FindingPath) -> Response:
    """Fyndets status och svaren och undantagen på det."""
    row, version = visible_finding(path.finding_id)
    rows = (
        db()
        .execute(
            select(Decision)
            .where(Decision.series_id == version.series_id, Decision.fingerprint == row.fingerprint)
            .order_by(Decision.id)
        )
        .scalars()
        .all()
    )
    status, _ = store.finding_status(db(), version.series_id, row.fingerprint)
    return ok(
        DecisionListOut.model_validate(
            {"status": status, "decisions": [decision_out(d) for d in rows]}
        )
    )
