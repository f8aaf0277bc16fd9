"""What the service does with documents, runs, findings and decisions – independent of HTTP.

Every function works in the caller's session and transaction and appends its audit entries
there, so a change and its audit entry commit together or not at all.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checks.checker import Checker
from checks.documents import DOCUMENT_MODELS, json_schemas
from checks.importers import IMPORT_SUFFIXES, Imported, import_file
from checks.loading import InputError, LoadedDocument, SourceMap, parse_data, validate_document
from service import access, audit
from service.db import (
    CheckJob,
    CheckRun,
    DocumentSeries,
    DocumentVersion,
    FindingRow,
    OrgUnit,
    User,
)

# How an upload gives what the CLI takes as options: the importers' refusals name the options,
# and an upload's refusal names its fields instead.
UPLOAD_FIELDS = {"--year": "fältet year (år)", "--nämnd": "fältet committee (nämnd)"}
UPLOAD_FIELDS_EN = {"--year": "the field year", "--nämnd": "the field committee"}


def parse_upload(
    raw: bytes, filename: str, year: int | None = None, committee: str | None = None
) -> LoadedDocument:
    """Bytes as uploaded → a validated document, or an `InputError` with the place.

    `year` and `committee` are what the uploader gave for a document that does not state them:
    the document's own year and committee come first, and a year that disagrees with the one it
    states is refused (see `checks.importers.import_file`)."""
    suffix = FsPath(filename).suffix.lower()
    try:
        if suffix in IMPORT_SUFFIXES:
            imported = _import(raw, filename, year, committee)
            return validate_document(imported.data, filename, imported.source_map)
        data, smap = parse_data(raw, filename, "json" if suffix == ".json" else "yaml")
        if year is not None:
            stated = data.get("år")
            if stated is not None and str(stated) != str(year):
                raise InputError(
                    filename,
                    f"handlingen anger året {stated}, men året {year} angavs med --year; ange "
                    "inget år med --year, eller rätta det",
                    f"the document states the year {stated}, but {year} was given with --year",
                    line=smap.line_of(("år",)),
                    path="år",
                )
            data.setdefault("år", year)
        if committee is not None and not data.get("nämnd"):
            data["nämnd"] = committee
        return validate_document(data, filename, smap)
    except InputError as exc:
        raise for_upload(exc) from None


def _import(raw: bytes, filename: str, year: int | None, committee: str | None) -> Imported:
    """The import, with the committee given only when the document names none of its own."""
    try:
        return import_file(raw, filename, None, year, None)
    except InputError:
        if committee is None:
            raise
    return import_file(raw, filename, None, year, committee)


def for_upload(exc: InputError) -> InputError:
    """The refusal worded for an upload: the fields to fill in, not the CLI's options."""
    sv, en = exc.message_sv, exc.message_en
    for option, name in UPLOAD_FIELDS.items():
        sv = sv.replace(option, name)
        en = en.replace(option, UPLOAD_FIELDS_EN[option])
    return dataclasses.replace(exc, message_sv=sv, message_en=en)


def reparse(version: DocumentVersion) -> LoadedDocument:
    """A stored version read again, with what its uploader gave."""
    return parse_upload(
        version.original, version.filename, version.given_year, version.given_committee
    )


@functools.cache
def models_hash() -> str:
    """The document models' fingerprint: the hash of their JSON Schemas. A version's validated
    model is read back only by the models that wrote it (`DocumentVersion.validated_by`)."""
    blob = json.dumps(json_schemas(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def validated_fields(loaded: LoadedDocument) -> dict[str, str]:
    """What a version keeps beside its original: the validated model (pydantic JSON) and where
    each of its paths stands in the original (`[line, *path]` each)."""
    lines = [[line, *path] for path, line in loaded.source_map.lines.items()]
    return {
        "validated": loaded.document.model_dump_json(by_alias=True),
        "validated_lines": json.dumps(lines, ensure_ascii=False, separators=(",", ":")),
        "validated_by": models_hash(),
    }


def model_of(kind: str) -> type[BaseModel]:
    """The model of a document kind as a series files it (`tertialrapport_1` …)."""
    return DOCUMENT_MODELS["tertialrapport" if kind.startswith("tertialrapport") else kind]


def read_version(version: DocumentVersion, kind: str | None = None) -> LoadedDocument:
    """A stored version as it was validated when stored – its model read back from JSON, the
    fast path – or, without one by these models, its original read again (`reparse`)."""
    if (
        version.validated is not None
        and version.validated_lines is not None
        and version.validated_by == models_hash()
    ):
        model = model_of(kind if kind is not None else version.series.kind)
        try:
            document: Any = model.model_validate_json(version.validated)
        except ValidationError:
            return reparse(version)
        lines = {tuple(entry[1:]): entry[0] for entry in json.loads(version.validated_lines)}
        return LoadedDocument(document, version.filename, SourceMap(lines))
    return reparse(version)


def readable_units(session: Session, user: User) -> set[int] | None:
    """Units whose documents the user may read; None means all (see `service.access`)."""
    return access.units(session, user, "read")


@dataclass
class Upload:
    """A stored version and its check: done (`run` and its findings) or queued (`job` only)."""

    version: DocumentVersion
    run: CheckRun | None
    findings: list[FindingRow]
    resolved: list[FindingRow]
    job: CheckJob


def _next_version(session: Session, unit_id: int, year: int, kind: str) -> DocumentSeries:
    """The series row, locked, with `last_version` incremented: numbers are unique and
    consecutive under concurrent uploads (the row lock serialises them)."""
    for _ in range(5):
        series = session.execute(
            select(DocumentSeries)
            .where(
                DocumentSeries.unit_id == unit_id,
                DocumentSeries.year == year,
                DocumentSeries.kind == kind,
            )
            .with_for_update()
        ).scalar_one_or_none()
        if series is not None:
            session.execute(
                update(DocumentSeries)
                .where(DocumentSeries.id == series.id)
                .values(last_version=DocumentSeries.last_version + 1)
            )
            session.refresh(series)
            return series
        try:
            with session.begin_nested():
                session.add(DocumentSeries(unit_id=unit_id, year=year, kind=kind, last_version=0))
        except IntegrityError:
            continue  # another request created it first: lock theirs
    raise RuntimeError("could not create the document series")


def store_version(
    session: Session,
    checker: Checker | None,
    user: User,
    unit: OrgUnit,
    raw: bytes,
    filename: str,
    media_type: str,
    year: int | None = None,
    committee: str | None = None,
    queued: bool = False,
) -> Upload:
    """Validate, store as the next immutable version with its validated model, and check it: at
    once in this transaction, or – `queued` – as a job put on the queue in this transaction, so
    that the version and its check commit together or not at all (`service.jobs`).
    `year` and `committee` are the uploader's, for a document that does not state them."""
    loaded = parse_upload(raw, filename, year, committee)
    doc: Any = loaded.document
    stated_unit = getattr(doc, "unit", None)
    if stated_unit is not None and stated_unit != unit.name:
        raise InputError(
            filename,
            f'handlingen gäller enheten "{stated_unit}", men laddades upp för "{unit.name}"',
            f'the document is for the unit "{stated_unit}", but was uploaded for "{unit.name}"',
            line=loaded.source_map.line_of(("enhet",)),
            path="enhet",
        )
    series = _next_version(session, unit.id, doc.year, loaded.kind)
    version = DocumentVersion(
        series_id=series.id,
        version=series.last_version,
        filename=filename,
        media_type=media_type,
        content_hash=hashlib.sha256(raw).hexdigest(),
        original=raw,
        uploaded_by=user.id,
        given_year=year,
        given_committee=committee,
        **validated_fields(loaded),
    )
    session.add(version)
    session.flush()
    audit.append(
        session,
        user.username,
        "upload",
        f"version:{version.id}",
        {
            "unit": unit.id,
            "year": doc.year,
            "kind": loaded.kind,
            "version": version.version,
            "sha256": version.content_hash,
            **({"given_year": year} if year is not None else {}),
            **({"given_committee": committee} if committee is not None else {}),
        },
    )
    # one check of the unit's dossier as it stands with the new version: every document in it
    # gets a run with its share of the findings, so cross-document findings (F1, R3, P7 …) of
    # the unit's other documents are current too
    from service import jobs  # they read the stored versions through here
    from service.checking import run_job

    job = jobs.create_job(
        session,
        unit.id,
        doc.year,
        "upload",
        user.username,
        version_id=version.id,
        catalogue_hash=checker.catalogue.content_hash if checker is not None else None,
    )
    if queued:
        jobs.enqueue(session, [job])
        return Upload(version, None, [], [], job)
    assert checker is not None, "a check in this transaction needs the checker"
    run, _, resolved = run_job(session, checker, job, (version, loaded))[version.id]
    return Upload(version, run, findings_of(session, run), finding_rows(session, resolved), job)


def latest_run(session: Session, version_id: int) -> CheckRun | None:
    return session.execute(
        select(CheckRun)
        .where(CheckRun.version_id == version_id)
        .order_by(CheckRun.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def previous_version(session: Session, version: DocumentVersion) -> DocumentVersion | None:
    return session.execute(
        select(DocumentVersion)
        .where(
            DocumentVersion.series_id == version.series_id,
            DocumentVersion.version < version.version,
        )
        .order_by(DocumentVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def finding_rows(session: Session, ids: list[int]) -> list[FindingRow]:
    """The stored rows of these findings, as stored (`service.stored.findings_by_id` renders)."""
    if not ids:
        return []
    return list(
        session.execute(
            select(FindingRow).where(FindingRow.id.in_(ids)).order_by(FindingRow.id)
        ).scalars()
    )


def findings_of(session: Session, run: CheckRun | None) -> list[FindingRow]:
    if run is None:
        return []
    return list(
        session.execute(
            select(FindingRow).where(FindingRow.run_id == run.id).order_by(FindingRow.id)
        ).scalars()
    )


def current_versions(
    session: Session, year: int | None = None, unit_id: int | None = None
) -> Iterable[DocumentVersion]:
    """The newest version of every series (of one year, of one unit): the series' last."""
    query = select(DocumentVersion).join(
        DocumentSeries,
        (DocumentVersion.series_id == DocumentSeries.id)
        & (DocumentVersion.version == DocumentSeries.last_version),
    )
    if year is not None:
        query = query.where(DocumentSeries.year == year)
    if unit_id is not None:
        query = query.where(DocumentSeries.unit_id == unit_id)
    return session.execute(query.order_by(DocumentVersion.id)).scalars().all()
