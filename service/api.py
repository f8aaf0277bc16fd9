"""The HTTP API under /api/v1, one blueprint per concern, described by pydantic models from which
flask-openapi3 generates the OpenAPI document (`/api/v1/openapi.json`, Swagger UI at
`/api/v1/swagger`, its assets shipped by the flask-openapi3-swagger package: no CDN)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from flask import Flask, Response, current_app, g, jsonify, request
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import BaseModel, Field
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from checks.checker import Checker
from checks.dossier import single
from checks.loading import InputError
from checks.report import result_dict
from service import audit, store
from service.auth import ROLES, hash_password, login, new_token, require_role, require_user
from service.db import (
    AuditEntry,
    CheckRun,
    Decision,
    DocumentSeries,
    DocumentVersion,
    FindingRow,
    OrgUnit,
    User,
    utcnow,
)
from service.errors import ApiError, forbidden, not_found

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


def db() -> Session:
    session: Session = g.db
    return session


def checker() -> Checker:
    found: Checker = current_app.extensions["styrkoll_get_checker"]()
    return found


def input_problem(exc: InputError) -> ApiError:
    """A document the client sent that cannot be used: 422 with the Swedish message and place."""
    error: dict[str, Any] = {"message": exc.message_sv}
    if exc.path:
        error["path"] = exc.path
    if exc.line is not None:
        error["line"] = exc.line
    return ApiError(422, "Ogiltigt dokument", exc.render("sv"), [error])


# --- models ----------------------------------------------------------------------------------


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


def _year_field() -> Any:
    return Field(
        default=None,
        ge=1990,
        le=2100,
        description="året (år) handlingen gäller, när den inte anger det själv; anger den ett "
        "annat år avvisas den",
    )


def _committee_field() -> Any:
    return Field(
        default=None,
        min_length=2,
        max_length=200,
        pattern=r"\S",
        description="nämnden (nämnd) handlingen hör till, när den inte namnger någon själv",
    )


class UploadQuery(BaseModel):
    unit: int = Field(description="enhetens id")
    filename: str = Field(default="", max_length=300, description="filnamn, avgör formatet")
    year: int | None = _year_field()
    committee: str | None = _committee_field()


class VersionPath(BaseModel):
    version_id: int


class RunPath(BaseModel):
    run_id: int


class FindingPath(BaseModel):
    finding_id: int


class DecisionPath(BaseModel):
    decision_id: int


class UserPath(BaseModel):
    user_id: int


class DocumentsQuery(BaseModel):
    unit: int | None = None
    year: int | None = None
    kind: str | None = None


class DiffQuery(BaseModel):
    against: int | None = Field(default=None, description="äldre version (standard: föregående)")


class FindingsQuery(BaseModel):
    unit: int | None = None
    year: int | None = None
    kind: str | None = None
    severity: Literal["fel", "varning", "info"] | None = None
    rule: str | None = Field(default=None, max_length=8)
    status: Literal["active", "exception", "exception_expired", "exception_requested"] | None = None
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=500)


class DecisionBody(BaseModel):
    kind: Literal["will_fix", "comment", "accepted_risk", "not_applicable"]
    text: str = Field(min_length=3, max_length=5000, description="svar eller motivering")
    expires: date | None = Field(default=None, description="krävs för undantag")


class UserBody(BaseModel):
    username: str = Field(min_length=2, max_length=100, pattern=r"^[a-z0-9._-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Literal["enhet", "controller", "revisor", "admin"]
    org_unit_id: int | None = None


class RoleBody(BaseModel):
    role: Literal["enhet", "controller", "revisor", "admin"]
    org_unit_id: int | None = None


class UnitBody(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    level: Literal["nämnd", "förvaltning", "avdelning", "enhet"]
    parent_id: int | None = None


LEVEL_ABOVE = {
    "nämnd": None,
    "förvaltning": "nämnd",
    "avdelning": "förvaltning",
    "enhet": ("förvaltning", "avdelning"),
}


class CheckQuery(BaseModel):
    filename: str = Field(default="document.yaml", max_length=300)
    year: int | None = _year_field()
    committee: str | None = _committee_field()


# --- helpers -----------------------------------------------------------------------------------


def _committee(query: UploadQuery | CheckQuery) -> str | None:
    return " ".join(query.committee.split()) if query.committee else None


def iso(value: datetime) -> str:
    """UTC, the same on SQLite (which drops the zone) and PostgreSQL."""
    aware = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.isoformat()


def _version_json(v: DocumentVersion) -> dict[str, Any]:
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


def _finding_json(f: FindingRow, status: str = "active") -> dict[str, Any]:
    return {
        "id": f.id,
        "run": f.run_id,
        "fingerprint": f.fingerprint,
        "rule_id": f.rule_id,
        "severity": f.severity,
        "message": f.message,
        "element": f.element,
        "path": f.path,
        "line": f.line,
        "change": f.change,
        "first_seen_at": iso(f.first_seen_at),
        "status": status,
    }


def _visible_version(version_id: int) -> DocumentVersion:
    user = require_user()
    version = db().get(DocumentVersion, version_id)
    if version is None or not store.can_read(db(), user, version.series.unit_id):
        raise not_found("versionen")
    return version


def _visible_finding(finding_id: int) -> tuple[FindingRow, DocumentVersion]:
    user = require_user()
    row = db().get(FindingRow, finding_id)
    if row is None:
        raise not_found("fyndet")
    run = db().get(CheckRun, row.run_id)
    assert run is not None
    version = db().get(DocumentVersion, run.version_id)
    assert version is not None
    if not store.can_read(db(), user, version.series.unit_id):
        raise not_found("fyndet")
    return row, version


# --- blueprints --------------------------------------------------------------------------------

health = APIBlueprint("health", __name__, abp_tags=[Tag(name="drift")])
auth_bp = APIBlueprint(
    "auth", __name__, url_prefix="/api/v1/auth", abp_tags=[Tag(name="inloggning")]
)
docs_bp = APIBlueprint(
    "documents",
    __name__,
    url_prefix="/api/v1",
    abp_tags=[Tag(name="dokument")],
    abp_security=SECURITY,
)
findings_bp = APIBlueprint(
    "findings",
    __name__,
    url_prefix="/api/v1",
    abp_tags=[Tag(name="fynd")],
    abp_security=SECURITY,
)
admin_bp = APIBlueprint(
    "admin",
    __name__,
    url_prefix="/api/v1",
    abp_tags=[Tag(name="administration")],
    abp_security=SECURITY,
)


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


@auth_bp.post("/login")
def post_login(body: LoginBody) -> Response:
    result = login(current_app, db(), body.username, body.password)
    audit.append(db(), body.username, "login", f"user:{body.username}")
    db().commit()
    return jsonify(result)


@auth_bp.post("/logout")
def post_logout() -> Response:
    from flask import session

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


@docs_bp.post("/documents")
def post_document(query: UploadQuery) -> tuple[Response, int]:
    user = require_user()
    unit = db().get(OrgUnit, query.unit)
    if unit is None or not store.can_read(db(), user, unit.id):
        raise not_found("enheten")
    if user.role != "enhet" or user.org_unit_id != unit.id:
        raise forbidden("bara enhetens egna användare laddar upp enhetens dokument")
    media = (request.mimetype or "").lower()
    if media not in MEDIA_TYPES:
        raise ApiError(
            415,
            "Fel innehållstyp",
            f'"{media or "(ingen)"}" stöds inte; skicka YAML, JSON, text, PDF eller Word',
        )
    raw = request.get_data(cache=False)
    if not raw:
        raise ApiError(422, "Ogiltigt dokument", "begäran har ingen kropp")
    filename = query.filename or f"dokument{MEDIA_TYPES[media]}"
    if not filename.lower().endswith(MEDIA_TYPES[media]):
        filename += MEDIA_TYPES[media]
    try:
        upload = store.store_version(
            db(), checker(), user, unit, raw, filename, media, query.year, _committee(query)
        )
    except InputError as exc:
        db().rollback()
        raise input_problem(exc) from None
    db().commit()
    return jsonify(
        {
            "version": _version_json(upload.version),
            "run": upload.run.id,
            "findings": [_finding_json(f) for f in upload.findings],
            "resolved": [_finding_json(f) for f in upload.resolved],
        }
    ), 201


@docs_bp.get("/documents")
def get_documents(query: DocumentsQuery) -> Response:
    user = require_user()
    stmt = select(DocumentVersion).join(DocumentSeries)
    units = store.readable_units(db(), user)
    if units is not None:
        stmt = stmt.where(DocumentSeries.unit_id.in_(units))
    if query.unit is not None:
        stmt = stmt.where(DocumentSeries.unit_id == query.unit)
    if query.year is not None:
        stmt = stmt.where(DocumentSeries.year == query.year)
    if query.kind is not None:
        stmt = stmt.where(DocumentSeries.kind == query.kind)
    rows = db().execute(stmt.order_by(DocumentVersion.id)).scalars().all()
    return jsonify({"versions": [_version_json(v) for v in rows]})


@docs_bp.get("/documents/<int:version_id>")
def get_document(path: VersionPath) -> Response:
    version = _visible_version(path.version_id)
    runs = (
        db()
        .execute(select(CheckRun).where(CheckRun.version_id == version.id).order_by(CheckRun.id))
        .scalars()
        .all()
    )
    return jsonify({**_version_json(version), "runs": [r.id for r in runs]})


@docs_bp.get("/documents/<int:version_id>/original")
def get_original(path: VersionPath) -> Response:
    version = _visible_version(path.version_id)
    response = Response(version.original, mimetype=version.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{version.filename}"'
    return response


@docs_bp.get("/documents/<int:version_id>/diff")
def get_diff(path: VersionPath, query: DiffQuery) -> Response:
    version = _visible_version(path.version_id)
    older = (
        _visible_version(query.against)
        if query.against is not None
        else store.previous_version(db(), version)
    )
    if older is not None and older.series_id != version.series_id:
        raise ApiError(422, "Ogiltig begäran", "versionerna hör till olika dokument")
    now = {f.fingerprint: f for f in store.findings_of(db(), store.latest_run(db(), version.id))}
    then = (
        {f.fingerprint: f for f in store.findings_of(db(), store.latest_run(db(), older.id))}
        if older is not None
        else {}
    )
    return jsonify(
        {
            "version": version.id,
            "against": older.id if older is not None else None,
            "new": [_finding_json(f) for fp, f in now.items() if fp not in then],
            "persisting": [_finding_json(f) for fp, f in now.items() if fp in then],
            "resolved": [_finding_json(f) for fp, f in then.items() if fp not in now],
        }
    )


@docs_bp.get("/runs/<int:run_id>")
def get_run(path: RunPath) -> Response:
    run = db().get(CheckRun, path.run_id)
    if run is None:
        raise not_found("körningen")
    version = _visible_version(run.version_id)
    return jsonify(
        {
            "id": run.id,
            "version": version.id,
            "catalogue_version": run.catalogue_version,
            "catalogue_hash": run.catalogue_hash,
            "input_hash": run.input_hash,
            "duration_ms": run.duration_ms,
            "outcomes": run.outcomes,
            "created_at": iso(run.created_at),
            "findings": [_finding_json(f) for f in store.findings_of(db(), run)],
        }
    )


@docs_bp.post("/checks")
def post_check(query: CheckQuery) -> Response:
    """Stateless self-check: the document is checked and nothing is stored."""
    require_user()
    media = (request.mimetype or "").lower()
    if media not in MEDIA_TYPES:
        raise ApiError(415, "Fel innehållstyp", f'"{media or "(ingen)"}" stöds inte')
    filename = query.filename
    if not filename.lower().endswith(MEDIA_TYPES[media]):
        filename += MEDIA_TYPES[media]
    try:
        loaded = store.parse_upload(
            request.get_data(cache=False), filename, query.year, _committee(query)
        )
    except InputError as exc:
        raise input_problem(exc) from None
    return jsonify(result_dict(checker().check(single(loaded))))


@findings_bp.get("/findings")
def get_findings(query: FindingsQuery) -> Response:
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
                {
                    **_finding_json(f, status),
                    "unit": series.unit_id,
                    "year": series.year,
                    "kind": series.kind,
                    "version": version.id,
                }
            )
    start = (query.page - 1) * query.per_page
    return jsonify(
        {
            "total": len(out),
            "page": query.page,
            "per_page": query.per_page,
            "findings": out[start : start + query.per_page],
        }
    )


@findings_bp.post("/findings/<int:finding_id>/decisions")
def post_decision(path: FindingPath, body: DecisionBody) -> tuple[Response, int]:
    user = require_user()
    row, version = _visible_finding(path.finding_id)
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
    return jsonify(_decision_json(decision)), 201


def _decision_json(d: Decision) -> dict[str, Any]:
    return {
        "id": d.id,
        "series": d.series_id,
        "fingerprint": d.fingerprint,
        "kind": d.kind,
        "text": d.text,
        "expires": d.expires.isoformat() if d.expires else None,
        "requested_by": d.requested_by,
        "approved_by": d.approved_by,
        "state": d.state,
    }


@findings_bp.post("/decisions/<int:decision_id>/approve")
def approve_decision(path: DecisionPath) -> Response:
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
    return jsonify(_decision_json(decision))


@findings_bp.get("/findings/<int:finding_id>/decisions")
def get_decisions(path: FindingPath) -> Response:
    row, version = _visible_finding(path.finding_id)
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
    return jsonify({"status": status, "decisions": [_decision_json(d) for d in rows]})


@admin_bp.get("/catalogue")
def get_catalogue() -> Response:
    require_user()
    catalogue = checker().catalogue
    return jsonify(
        {
            "version": catalogue.version,
            "hash": catalogue.content_hash,
            "rules": [c.rule.model_dump(mode="json") for c in catalogue.rules],
        }
    )


@admin_bp.get("/organisation")
def get_organisation() -> Response:
    require_user()
    units = db().execute(select(OrgUnit).order_by(OrgUnit.id)).scalars().all()
    return jsonify(
        {
            "units": [
                {"id": u.id, "name": u.name, "level": u.level, "parent": u.parent_id} for u in units
            ]
        }
    )


@admin_bp.post("/organisation")
def post_unit(body: UnitBody) -> tuple[Response, int]:
    admin = require_role("admin")
    parent = db().get(OrgUnit, body.parent_id) if body.parent_id is not None else None
    above = LEVEL_ABOVE[body.level]
    if body.parent_id is not None and parent is None:
        raise ApiError(
            422,
            "Ogiltig begäran",
            "överordnad enhet finns inte",
            [{"path": "parent_id", "message": "finns inte"}],
        )
    parent_level = parent.level if parent is not None else None
    allowed = above if isinstance(above, tuple) else (above,)
    if parent_level not in allowed:
        raise ApiError(
            422,
            "Ogiltig begäran",
            f"en {body.level} ligger under {' eller '.join(str(a) for a in allowed)}",
            [{"path": "parent_id", "message": "fel nivå"}],
        )
    taken = (
        db()
        .execute(
            select(func.count())
            .select_from(OrgUnit)
            .where(OrgUnit.name == body.name, OrgUnit.parent_id == body.parent_id)
        )
        .scalar_one()
    )
    if taken:
        raise ApiError(409, "Konflikt", f'"{body.name}" finns redan där')
    unit = OrgUnit(name=body.name, level=body.level, parent_id=body.parent_id)
    db().add(unit)
    db().flush()
    audit.append(
        db(),
        admin.username,
        "unit_created",
        f"unit:{unit.id}",
        {"name": unit.name, "level": unit.level, "parent": unit.parent_id},
    )
    db().commit()
    return jsonify(
        {"id": unit.id, "name": unit.name, "level": unit.level, "parent": unit.parent_id}
    ), 201


@admin_bp.get("/audit")
def get_audit() -> Response:
    require_role("revisor", "admin")
    entries = db().execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    check = audit.verify(db())
    return jsonify(
        {
            "verified": check.ok,
            "problems": check.problems,
            "entries": [
                {
                    "id": e.id,
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "subject": e.subject,
                    "details": e.details,
                    "hash": e.hash,
                }
                for e in entries
            ],
        }
    )


@admin_bp.post("/users")
def post_user(body: UserBody) -> tuple[Response, int]:
    admin = require_role("admin")
    if (
        db()
        .execute(select(func.count()).select_from(User).where(User.username == body.username))
        .scalar_one()
    ):
        raise ApiError(409, "Konflikt", f'användaren "{body.username}" finns redan')
    if body.org_unit_id is not None and db().get(OrgUnit, body.org_unit_id) is None:
        raise ApiError(
            422,
            "Ogiltig begäran",
            "enheten finns inte",
            [{"path": "org_unit_id", "message": "finns inte"}],
        )
    user = User(
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role,
        org_unit_id=body.org_unit_id,
    )
    db().add(user)
    db().flush()
    audit.append(
        db(),
        admin.username,
        "user_created",
        f"user:{user.username}",
        {"role": user.role, "unit": user.org_unit_id},
    )
    db().commit()
    return jsonify({"id": user.id, "username": user.username, "role": user.role}), 201


@admin_bp.patch("/users/<int:user_id>")
def patch_user(path: UserPath, body: RoleBody) -> Response:
    admin = require_role("admin")
    user = db().get(User, path.user_id)
    if user is None:
        raise not_found("användaren")
    old = user.role
    user.role = body.role
    user.org_unit_id = body.org_unit_id
    audit.append(
        db(),
        admin.username,
        "role_changed",
        f"user:{user.username}",
        {"from": old, "to": body.role, "unit": body.org_unit_id},
    )
    db().commit()
    return jsonify({"id": user.id, "username": user.username, "role": user.role})


def register(app: Flask) -> None:
    assert set(ROLES) == {"enhet", "controller", "revisor", "admin"}
    for bp in (health, auth_bp, docs_bp, findings_bp, admin_bp):
        app.register_api(bp)  # type: ignore[attr-defined]
