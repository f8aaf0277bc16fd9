"""What the service does with documents, runs, findings and decisions – independent of HTTP.

Every function works in the caller's session and transaction and appends its audit entries
there, so a change and its audit entry commit together or not at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checks.checker import Checker
from checks.importers import IMPORT_SUFFIXES, Imported, import_file
from checks.loading import InputError, LoadedDocument, parse_data, validate_document
from service import access, audit
from service.db import (
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


def readable_units(session: Session, user: User) -> set[int] | None:
    """Units whose documents the user may read; None means all (see `service.access`)."""
    return access.units(session, user, "read")


@dataclass
class Upload:
    version: DocumentVersion
    run: CheckRun
    findings: list[FindingRow]
    resolved: list[FindingRow]


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
    checker: Checker,
    user: User,
    unit: OrgUnit,
    raw: bytes,
    filename: str,
    media_type: str,
    year: int | None = None,
    committee: str | None = None,
) -> Upload:
    """Validate, store as the next immutable version, check at once, compare with the previous.
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
    from service.checking import check_dossier  # it reads the stored versions through here

    runs = check_dossier(session, checker, unit, doc.year, user.username, (version, loaded))
    run, findings, resolved = runs[version.id]
    return Upload(version, run, findings, resolved)


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
