"""The unit's pages: "Min enhet" (a unit head's own unit; for controllers, auditors and admins the
units they may read), a unit's documents and versions per year and kind, the upload of a new
version (`service.store.store_version`, as the API's `POST /api/v1/documents`) and a version's
page: its findings along the goal tree (KF-mål → nämndmål → åtagande), each new or persisting
with its status, the findings resolved since the previous version and the counts by severity.

Who may see what is `service.access`'s answer: a unit, version or finding the user may not read
is the same 404 page as one that does not exist (`service.web.versions`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from flask import Blueprint, current_app, g, redirect, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from checks.catalogue import SEVERITY_RANK
from checks.loading import InputError
from service import access, ratelimit, store
from service import stored as stored_rows
from service.db import CheckRun, DocumentSeries, DocumentVersion, OrgUnit, User
from service.errors import ApiError
from service.stored import StoredFinding
from service.web.common import FormErrors, checker, current_user, db, login_required, page
from service.web.errors import html_error
from service.web.fields import MAX_COMMITTEE, form_committee, form_year, megabytes
from service.web.i18n import current_lang
from service.web.reading import FORMATS, file_name, worded
from service.web.versions import (
    KIND_TITLES,
    LEVEL_LABELS,
    counts,
    goal_tree,
    labels,
    the_user,
    visible_unit,
    visible_version,
)

unit_pages = Blueprint("pages_unit", __name__)

MEDIA_TYPES = {
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".json": "application/json",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ACCEPT = ",".join(MEDIA_TYPES)
# --- Min enhet and the unit list -----------------------------------------------------------------


@unit_pages.get("/min-enhet")
@login_required
def mine() -> Response:
    """A unit head's own unit; anyone who reads more than one unit chooses among them."""
    user = the_user()
    if access.reach("read", user.role) == "own" and user.org_unit_id is not None:
        return redirect(url_for("pages_unit.unit", unit_id=user.org_unit_id), 303)
    return units_page()


@unit_pages.get("/enheter")
@login_required
def units_page() -> Response:
    """The units the user may read, as the organisation tree nests them."""
    user = the_user()
    readable = access.units(db(), user, "read")
    stmt = select(OrgUnit).order_by(OrgUnit.name)
    if readable is not None:
        stmt = stmt.where(OrgUnit.id.in_(sorted(readable)))
    rows = list(db().execute(stmt).scalars())
    counted: dict[int, int] = {
        unit_id: n
        for unit_id, n in db().execute(
            select(DocumentSeries.unit_id, func.count())
            .where(DocumentSeries.unit_id.in_([u.id for u in rows]))
            .group_by(DocumentSeries.unit_id)
        )
    }
    return page("unit/units.html", tree=_tree(rows), documents=counted, level_labels=LEVEL_LABELS)


@dataclass
class UnitNode:
    unit: OrgUnit
    children: list[UnitNode] = field(default_factory=list)


def _tree(rows: list[OrgUnit]) -> list[UnitNode]:
    """The units as a tree: a unit whose parent is not among them is a root."""
    nodes = {u.id: UnitNode(u) for u in rows}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    return roots


# --- a unit's documents ------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    version: DocumentVersion
    uploader: str
    counts: dict[str, int] | None  # by severity; None: not checked yet


def _kind_rank(kind: str) -> int:
    order = list(KIND_TITLES)
    return order.index(kind) if kind in order else len(order)


@unit_pages.get("/enheter/<int:unit_id>")
@login_required
def unit(unit_id: int) -> Response:
    """The unit's documents: per year (newest first) and kind, every version, newest first."""
    found = visible_unit(unit_id)
    rows = db().execute(
        select(DocumentVersion, User.username, CheckRun)
        .join(DocumentSeries, DocumentSeries.id == DocumentVersion.series_id)
        .join(User, User.id == DocumentVersion.uploaded_by)
        .outerjoin(CheckRun, CheckRun.id == DocumentVersion.latest_run_id)
        .where(DocumentSeries.unit_id == found.id)
        .order_by(DocumentVersion.version.desc())
    )
    series: dict[tuple[int, str], list[VersionRow]] = {}
    for version, uploader, run in rows:
        counts = (
            {"fel": run.error_count, "varning": run.warning_count, "info": run.info_count}
            if run is not None
            else None
        )
        key = (version.series.year, version.series.kind)
        series.setdefault(key, []).append(VersionRow(version, uploader, counts))
    years: dict[int, list[tuple[str, list[VersionRow]]]] = {}
    for year, kind in sorted(series, key=lambda k: (-k[0], _kind_rank(k[1]))):
        years.setdefault(year, []).append((kind, series[(year, kind)]))
    parent = db().get(OrgUnit, found.parent_id) if found.parent_id is not None else None
    return page(
        "unit/unit.html",
        unit=found,
        parent=parent,
        level=LEVEL_LABELS.get(found.level, found.level),
        years=years,
        may_upload=access.allowed(db(), the_user(), "upload", found.id),
        **labels(),
    )


# --- upload ------------------------------------------------------------------------------------


def _may_upload(unit_id: int) -> OrgUnit:
    """The unit, if the user may upload to it: 404 if they may not read it, else 403."""
    found = visible_unit(unit_id)
    access.require(db(), the_user(), "upload", found.id, "enheten")
    return found


def _upload_form(
    found: OrgUnit, errors: FormErrors, values: dict[str, str] | None = None, status: int = 200
) -> Response:
    return page(
        "unit/upload.html",
        status=status,
        unit=found,
        errors=errors,
        values=values or {},
        accept=ACCEPT,
    )


@unit_pages.get("/enheter/<int:unit_id>/ladda-upp")
@login_required
def upload_form(unit_id: int) -> Response:
    return _upload_form(_may_upload(unit_id), FormErrors())


@unit_pages.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge) -> Response:
    """An upload larger than the service takes: the form again, the error on the file field
    (the body was not read, so nothing was stored)."""
    unit_id = int((request.view_args or {}).get("unit_id", 0))
    if current_user() is None:
        return redirect(url_for("pages_auth.login_form"), 303)
    try:
        found = _may_upload(unit_id)
    except ApiError as exc:  # not theirs (404) or not their role's (403): as any page says it
        return html_error(exc.status, exc.detail, exc.headers, g.get("request_id", ""))
    errors = FormErrors()
    limit = megabytes(int(request.max_content_length or 0))
    errors.add(
        "dokument",
        _("Filen är för stor. Den får vara högst %(size)s MB.", size=limit),
    )
    return _upload_form(found, errors, status=413)


def _file(upload: FileStorage | None, errors: FormErrors) -> tuple[str, bytes] | None:
    """The chosen file's name and bytes, or a field error."""
    if upload is None or not upload.filename:
        errors.add("dokument", _("Välj filen du vill ladda upp"))
        return None
    name = file_name(upload.filename) or "dokument"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if f".{suffix}" not in FORMATS:
        errors.add(
            "dokument",
            _(
                "%(name)s: filtypen stöds inte. Välj en fil som slutar på .yaml, .json, "
                ".txt, .pdf eller .docx",
                name=name,
            ),
        )
        return None
    raw = upload.read()
    if not raw.strip():
        errors.add("dokument", _("%(name)s: filen är tom", name=name))
        return None
    return name, raw


@unit_pages.post("/enheter/<int:unit_id>/ladda-upp")
@login_required
def upload(unit_id: int) -> Response:
    """Store the file as the next version of its document and check it; then its page. A
    refused upload stores nothing: the form again, the error tied to the field to fix."""
    found = _may_upload(unit_id)
    ratelimit.limit("upload", the_user().id)  # counted before any work: a 429 page past it
    form = request.form
    values = {
        "year": form.get("year", "")[:20],
        "committee": form.get("committee", "")[: MAX_COMMITTEE + 20],
    }
    errors = FormErrors()
    year = form_year(form.get("year", ""), errors)
    committee = form_committee(form.get("committee", ""), errors)
    chosen = _file(request.files.get("dokument"), errors)
    if errors or chosen is None:
        return _upload_form(found, errors, values, 422)
    name, raw = chosen
    media = MEDIA_TYPES["." + name.rsplit(".", 1)[-1].lower()]
    queued = current_app.config.get("JOBS") == "queue"  # as the API's upload: a worker checks
    try:
        stored = store.store_version(
            db(),
            None if queued else checker(),
            the_user(),
            found,
            raw,
            name,
            media,
            year,
            committee,
            queued,
        )
    except InputError as exc:
        db().rollback()
        refused = worded(exc, "dokument")
        errors.add(refused.field, refused.render(current_lang()))
        return _upload_form(found, errors, values, 413 if refused.too_large else 422)
    db().commit()
    return redirect(url_for("pages_unit.version", version_id=stored.version.id), 303)


# --- a version ---------------------------------------------------------------------------------


@unit_pages.get("/versioner/<int:version_id>")
@login_required
def version(version_id: int) -> Response:
    """A version's findings of its latest check along the goal tree, and what the version
    resolved against the one before it."""
    found = visible_version(version_id)
    lang = current_lang()
    run = store.latest_run(db(), found.id)
    findings = stored_rows.findings_of_runs(db(), [run.id], lang) if run is not None else []
    older = store.previous_version(db(), found)
    resolved: list[StoredFinding] = []
    if older is not None and run is not None:
        older_run = store.latest_run(db(), older.id)
        if older_run is not None:
            now = {f.fingerprint for f in findings}
            resolved = [
                f
                for f in stored_rows.findings_of_runs(db(), [older_run.id], lang)
                if f.fingerprint not in now
            ]
            resolved.sort(key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.line or 0))
    series = found.series
    unit_row = db().get(OrgUnit, series.unit_id)
    uploader = db().get(User, found.uploaded_by)
    statuses: dict[str, int] = {}
    for f in findings:
        statuses[f.status] = statuses.get(f.status, 0) + 1
    return page(
        "unit/version.html",
        version=found,
        series=series,
        unit=unit_row,
        uploader=uploader.username if uploader is not None else "",
        run=run,
        grouped=goal_tree(findings),
        total=len(findings),
        counts=counts(findings),
        statuses=statuses,
        older=older,
        resolved=resolved,
        newest=found.version == series.last_version,
        **labels(),
    )


@unit_pages.get("/versioner/<int:version_id>/original")
@login_required
def original(version_id: int) -> Response:
    """The original as uploaded, byte for byte, as a download."""
    found = visible_version(version_id)
    return send_file(
        io.BytesIO(found.original),
        mimetype=found.media_type,
        as_attachment=True,
        download_name=found.filename,
    )
