"""Uploads, versions, originals, diffs, runs and the stateless self-check."""

from __future__ import annotations

from flask import Response, current_app, request
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from sqlalchemy import select

from checks.dossier import single
from checks.loading import InputError
from checks.report import result_dict
from service import access, ratelimit, store
from service.api.common import (
    MEDIA_TYPES,
    SECURITY,
    checker,
    db,
    findings_out,
    input_problem,
    iso,
    may,
    ok,
    responses,
    version_fields,
    version_out,
    visible_version,
)
from service.api.jobs import UploadJobOut, job_out
from service.api.schemas import (
    CheckQuery,
    CheckReportOut,
    DiffOut,
    DiffQuery,
    DocumentsQuery,
    LangQuery,
    RunOut,
    RunPath,
    UploadQuery,
    VersionDetailOut,
    VersionListOut,
    VersionPath,
)
from service.auth import require_user
from service.db import CheckRun, DocumentSeries, DocumentVersion, OrgUnit
from service.errors import ApiError, not_found
from service.filenames import content_disposition, safe_filename
from service.findings import of_series

docs_bp = APIBlueprint(
    "documents",
    __name__,
    url_prefix="/api/v1",
    abp_tags=[Tag(name="dokument")],
    abp_security=SECURITY,
)


# A document's body: a YAML or JSON document is an object (its fields), every other kind bytes.
BINARY = {"type": "string", "format": "binary"}
FIELDS = {"type": "object"}
BODY_SCHEMAS = {m: FIELDS if "yaml" in m or "json" in m else BINARY for m in MEDIA_TYPES}
# The raw document in the request body, as the upload and the self-check take it.
DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "description": "dokumentet: YAML, JSON, text (ILS-webb-export), PDF eller Word",
        "content": {m: {"schema": schema} for m, schema in BODY_SCHEMAS.items()},
    }
}
ORIGINAL = {
    "description": "originalet, byte för byte som det laddades upp",
    "content": {m: {"schema": schema} for m, schema in BODY_SCHEMAS.items()},
}


def _committee(query: UploadQuery | CheckQuery) -> str | None:
    return " ".join(query.committee.split()) if query.committee else None


@docs_bp.post(
    "/documents",
    responses=responses(UploadJobOut, 401, 403, 404, 413, 415, 422, 429, status=201),
    openapi_extensions=DOCUMENT_BODY,
)
def post_document(query: UploadQuery) -> Response:
    """Ladda upp en ny version av ett av enhetens dokument; den kontrolleras genast eller, med
    kön (PostgreSQL), av en arbetare: jobbet säger när fynden finns."""
    access.require_role(require_user(), "upload")  # 403 before anything is looked up
    unit = db().get(OrgUnit, query.unit)
    if unit is None:
        raise not_found("enheten")
    user = may("upload", unit.id, "enheten")
    ratelimit.limit("upload", user.id)
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
    filename = safe_filename(query.filename) if query.filename else f"dokument{MEDIA_TYPES[media]}"
    if not filename.lower().endswith(MEDIA_TYPES[media]):
        filename += MEDIA_TYPES[media]
    queued = current_app.config.get("JOBS") == "queue"
    try:
        upload = store.store_version(
            db(),
            None if queued else checker(),
            user,
            unit,
            raw,
            filename,
            media,
            query.year,
            _committee(query),
            queued,
        )
    except InputError as exc:
        db().rollback()
        raise input_problem(exc) from None
    db().commit()
    return ok(
        UploadJobOut(
            version=version_out(upload.version),
            run=upload.run.id if upload.run is not None else None,
            findings=findings_out(upload.findings, lang=query.lang),
            resolved=findings_out(upload.resolved, lang=query.lang),
            job=job_out(upload.job),
        ),
        201,
    )


@docs_bp.get("/documents", responses=responses(VersionListOut, 401, 422))
def get_documents(query: DocumentsQuery) -> Response:
    """Dokumentversionerna användaren får läsa."""
    user = require_user()
    stmt = select(DocumentVersion).join(DocumentSeries)
    units = access.units(db(), user, "read")
    if units is not None:
        stmt = stmt.where(DocumentSeries.unit_id.in_(units))
    stmt = of_series(stmt, query.unit, query.year, query.kind)
    rows = db().execute(stmt.order_by(DocumentVersion.id)).scalars().all()
    return ok(VersionListOut(versions=[version_out(v) for v in rows]))


@docs_bp.get("/documents/<int:version_id>", responses=responses(VersionDetailOut, 401, 404))
def get_document(path: VersionPath) -> Response:
    """En version och dess körningar."""
    version = visible_version(path.version_id)
    runs = (
        db()
        .execute(select(CheckRun).where(CheckRun.version_id == version.id).order_by(CheckRun.id))
        .scalars()
        .all()
    )
    return ok(
        VersionDetailOut.model_validate({**version_fields(version), "runs": [r.id for r in runs]})
    )


@docs_bp.get("/documents/<int:version_id>/original", responses=responses(ORIGINAL, 401, 404))
def get_original(path: VersionPath) -> Response:
    """Originalet som laddades upp."""
    version = visible_version(path.version_id)
    response = Response(version.original, mimetype=version.media_type)
    response.headers["Content-Disposition"] = content_disposition(version.filename)
    return response


@docs_bp.get("/documents/<int:version_id>/diff", responses=responses(DiffOut, 401, 404, 422))
def get_diff(path: VersionPath, query: DiffQuery) -> Response:
    """Fynden som är nya, kvarstår eller är åtgärdade mot en äldre version."""
    version = visible_version(path.version_id)
    older = (
        visible_version(query.against)
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
    new = [f for fp, f in now.items() if fp not in then]
    persisting = [f for fp, f in now.items() if fp in then]
    resolved = [f for fp, f in then.items() if fp not in now]
    out = findings_out(new + persisting + resolved, lang=query.lang)  # read together
    return ok(
        DiffOut(
            version=version.id,
            against=older.id if older is not None else None,
            new=out[: len(new)],
            persisting=out[len(new) : len(new) + len(persisting)],
            resolved=out[len(new) + len(persisting) :],
        )
    )


@docs_bp.get("/runs/<int:run_id>", responses=responses(RunOut, 401, 404, 422))
def get_run(path: RunPath, query: LangQuery) -> Response:
    """En körning: katalogversionen den bedömdes mot, utfallen och fynden."""
    run = db().get(CheckRun, path.run_id)
    if run is None:
        raise not_found("körningen")
    version = visible_version(run.version_id, "körningen")  # the same 404 as an absent run
    return ok(
        RunOut(
            id=run.id,
            version=version.id,
            catalogue_version=run.catalogue_version,
            catalogue_hash=run.catalogue_hash,
            input_hash=run.input_hash,
            duration_ms=run.duration_ms,
            outcomes=run.outcomes,
            unjudged=run.unjudged,
            dossier=run.dossier,
            created_at=iso(run.created_at),
            findings=findings_out(store.findings_of(db(), run), lang=query.lang),
        )
    )


@docs_bp.post(
    "/checks",
    responses=responses(CheckReportOut, 401, 403, 413, 415, 422, 429),
    openapi_extensions=DOCUMENT_BODY,
)
def post_check(query: CheckQuery) -> Response:
    """Självkontroll: dokumentet kontrolleras och inget sparas."""
    user = may("self_check")
    ratelimit.limit("check", user.id)
    media = (request.mimetype or "").lower()
    if media not in MEDIA_TYPES:
        raise ApiError(415, "Fel innehållstyp", f'"{media or "(ingen)"}" stöds inte')
    filename = safe_filename(query.filename)
    if not filename.lower().endswith(MEDIA_TYPES[media]):
        filename += MEDIA_TYPES[media]
    try:
        loaded = store.parse_upload(
            request.get_data(cache=False), filename, query.year, _committee(query)
        )
    except InputError as exc:
        raise input_problem(exc) from None
    result = checker().check(single(loaded), lang=query.lang)
    return ok(CheckReportOut.model_validate(result_dict(result)))
