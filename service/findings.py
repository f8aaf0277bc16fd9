"""Stored findings read back: filtered, counted and paginated in SQL, each rendered in Swedish
or English from the rule texts of the catalogue that judged it.

A page of findings costs a constant number of statements whatever the number of findings: the
count, the page (with its status from the decisions, computed in the same query) and the rule
texts of the page. `StoredFinding` is the library's `Finding` with where the service keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, tuple_
from sqlalchemy.orm import Session, aliased

from checks.findings import EvidenceRecord, Finding, FindingRecord, Texts, render
from service.db import (
    CatalogueRule,
    CheckRun,
    Decision,
    DocumentSeries,
    DocumentVersion,
    FindingRow,
)
from service.decisions import EXCEPTION_KINDS

STATUSES = ("active", "exception", "exception_expired", "exception_requested")


class StoredFinding(Finding):
    """A finding as the service keeps it: the library's finding, with its run and version, its
    change against the version before, and its status after the decisions on it."""

    id: int
    run: int
    version: int
    unit: int
    year: int
    kind: str  # the kind of the document version the finding is kept with
    change: str  # new, persisting
    first_seen_at: str
    status: str = "active"


@dataclass(frozen=True)
class Filters:
    """What a list of findings may be narrowed to; `units` None means every unit."""

    units: set[int] | None = None
    unit: int | None = None
    year: int | None = None
    kind: str | None = None
    severity: str | None = None
    rule: str | None = None
    status: str | None = None


def iso(value: datetime) -> str:
    """UTC, the same on SQLite (which drops the zone) and PostgreSQL."""
    aware = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.isoformat()


def _status(today: date) -> tuple[ColumnElement[str], Any, Any, Any]:
    """The status of a finding from the exceptions on its fingerprint in its series: the newest
    approved one decides (expired or not); else a requested one; else active."""
    approved = (
        select(Decision.series_id, Decision.fingerprint, func.max(Decision.id).label("decision_id"))
        .where(Decision.state == "approved", Decision.kind.in_(EXCEPTION_KINDS))
        .group_by(Decision.series_id, Decision.fingerprint)
        .subquery("approved")
    )
    requested = (
        select(Decision.series_id, Decision.fingerprint)
        .where(Decision.state == "requested", Decision.kind.in_(EXCEPTION_KINDS))
        .group_by(Decision.series_id, Decision.fingerprint)
        .subquery("requested")
    )
    exception = aliased(Decision, name="exception")
    status = case(
        (
            exception.id.is_(None) & requested.c.series_id.is_not(None),
            "exception_requested",
        ),
        (exception.id.is_(None), "active"),
        (exception.expires.is_not(None) & (exception.expires < today), "exception_expired"),
        else_="exception",
    )
    return status, approved, requested, exception


def _select(today: date, current: bool) -> tuple[Any, ColumnElement[str]]:
    """Findings with their run, version, series and status; `current`: only those of the latest
    run of the newest version of every series."""
    status, approved, requested, exception = _status(today)
    stmt = select(
        FindingRow,
        CheckRun.catalogue_version,
        CheckRun.catalogue_hash,
        DocumentVersion.id,
        DocumentSeries.unit_id,
        DocumentSeries.year,
        DocumentSeries.kind,
        status.label("status"),
    ).select_from(FindingRow)
    if current:
        newest = (
            select(DocumentVersion.series_id, func.max(DocumentVersion.version).label("v"))
            .group_by(DocumentVersion.series_id)
            .subquery("newest")
        )
        latest = (
            select(CheckRun.version_id, func.max(CheckRun.id).label("run_id"))
            .group_by(CheckRun.version_id)
            .subquery("latest")
        )
        stmt = (
            stmt.join(latest, latest.c.run_id == FindingRow.run_id)
            .join(CheckRun, CheckRun.id == latest.c.run_id)
            .join(DocumentVersion, DocumentVersion.id == latest.c.version_id)
            .join(
                newest,
                and_(
                    newest.c.series_id == DocumentVersion.series_id,
                    newest.c.v == DocumentVersion.version,
                ),
            )
        )
    else:
        stmt = stmt.join(CheckRun, CheckRun.id == FindingRow.run_id).join(
            DocumentVersion, DocumentVersion.id == CheckRun.version_id
        )
    stmt = (
        stmt.join(DocumentSeries, DocumentSeries.id == DocumentVersion.series_id)
        .outerjoin(
            approved,
            and_(
                approved.c.series_id == DocumentSeries.id,
                approved.c.fingerprint == FindingRow.fingerprint,
            ),
        )
        .outerjoin(exception, exception.id == approved.c.decision_id)
        .outerjoin(
            requested,
            and_(
                requested.c.series_id == DocumentSeries.id,
                requested.c.fingerprint == FindingRow.fingerprint,
            ),
        )
    )
    return stmt, status


def list_findings(
    session: Session,
    filters: Filters,
    page: int = 1,
    per_page: int = 50,
    lang: str = "sv",
    today: date | None = None,
) -> tuple[int, list[StoredFinding]]:
    """The current findings a list shows: the total and one page, in document and finding
    order. Three statements, whatever the number of findings."""
    stmt, status = _select(today or date.today(), current=True)
    if filters.units is not None:
        stmt = stmt.where(DocumentSeries.unit_id.in_(sorted(filters.units)))
    if filters.unit is not None:
        stmt = stmt.where(DocumentSeries.unit_id == filters.unit)
    if filters.year is not None:
        stmt = stmt.where(DocumentSeries.year == filters.year)
    if filters.kind is not None:
        stmt = stmt.where(DocumentSeries.kind == filters.kind)
    if filters.severity is not None:
        stmt = stmt.where(FindingRow.severity == filters.severity)
    if filters.rule is not None:
        stmt = stmt.where(FindingRow.rule_id == filters.rule.upper())
    if filters.status is not None:
        stmt = stmt.where(status == filters.status)
    total = session.execute(
        select(func.count()).select_from(
            stmt.with_only_columns(FindingRow.id).order_by(None).subquery()
        )
    ).scalar_one()
    rows = session.execute(
        stmt.order_by(DocumentVersion.id, FindingRow.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return total, _rendered(session, rows, lang)


def findings_by_id(
    session: Session, ids: Sequence[int], lang: str = "sv", today: date | None = None
) -> list[StoredFinding]:
    """Stored findings by id (of any run), rendered, in the order of `ids`."""
    if not ids:
        return []
    stmt, _ = _select(today or date.today(), current=False)
    rows = session.execute(stmt.where(FindingRow.id.in_(list(ids)))).all()
    found = {f.id: f for f in _rendered(session, rows, lang)}
    return [found[i] for i in ids if i in found]


def findings_of_runs(
    session: Session, run_ids: Sequence[int], lang: str = "sv", today: date | None = None
) -> list[StoredFinding]:
    """Every finding of these runs, rendered, in run and finding order."""
    if not run_ids:
        return []
    stmt, _ = _select(today or date.today(), current=False)
    rows = session.execute(
        stmt.where(FindingRow.run_id.in_(list(run_ids))).order_by(FindingRow.id)
    ).all()
    return _rendered(session, rows, lang)


def _rendered(session: Session, rows: Sequence[Any], lang: str) -> list[StoredFinding]:
    texts = rule_texts(session, {(r[2], r[0].rule_id) for r in rows})
    return [
        stored(row, (catalogue, catalogue_hash), (version, unit, year, kind), status, texts, lang)
        for row, catalogue, catalogue_hash, version, unit, year, kind, status in rows
    ]


def rule_texts(session: Session, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Texts]:
    """The texts of (catalogue hash, rule id) pairs, in one statement. A finding stored before
    rule texts were kept (migration 0003) from a catalogue not stored since takes its rule's
    texts from the newest catalogue stored."""
    if not wanted:
        return {}
    found: dict[tuple[str, str], Texts] = {
        (h, r): t
        for h, r, t in session.execute(
            select(CatalogueRule.catalogue_hash, CatalogueRule.rule_id, CatalogueRule.texts).where(
                tuple_(CatalogueRule.catalogue_hash, CatalogueRule.rule_id).in_(sorted(wanted))
            )
        )
    }
    missing = {rule for pair in wanted - set(found) for rule in pair[1:]}
    if missing:
        newest: dict[str, Texts] = {}
        for rule, texts in session.execute(
            select(CatalogueRule.rule_id, CatalogueRule.texts)
            .where(CatalogueRule.rule_id.in_(sorted(missing)))
            .order_by(CatalogueRule.id)
        ):
            newest[rule] = texts
        for pair in wanted - set(found):
            if pair[1] in newest:
                found[pair] = newest[pair[1]]
    return found


def record(row: FindingRow, catalogue_version: str, catalogue_hash: str) -> FindingRecord:
    """The stored row as the library's language-neutral record."""
    return FindingRecord.model_construct(
        rule_id=row.rule_id,
        severity=row.severity,
        element_id=row.element_id,
        element=row.element,
        document=row.document,
        document_kind=row.document_kind,
        path=row.path,
        line=row.line,
        breadcrumb=row.breadcrumb,
        evidence=[EvidenceRecord.model_construct(**e) for e in row.evidence],
        values=row.values or {},
        fingerprint=row.fingerprint,
        catalogue_version=catalogue_version,
        catalogue_hash=catalogue_hash,
    )


def stored(
    row: FindingRow,
    catalogue: tuple[str, str],
    place: tuple[int, int, int, str],
    status: str,
    all_texts: dict[tuple[str, str], Texts],
    lang: str,
) -> StoredFinding:
    """One stored finding rendered in `lang` (`catalogue`: the run's catalogue version and hash;
    `place`: version id, unit, year, kind). A finding stored before findings were kept whole
    keeps its Swedish message: it kept no values to render one from."""
    catalogue_version, catalogue_hash = catalogue
    version, unit, year, kind = place
    finding = render(
        record(row, catalogue_version, catalogue_hash),
        all_texts.get((catalogue_hash, row.rule_id), {}),
        lang,
    )
    fields: dict[str, Any] = {name: getattr(finding, name) for name in Finding.model_fields}
    if row.values is None and row.legacy_message is not None:
        fields["message"] = row.legacy_message
    return StoredFinding.model_construct(
        **fields,
        id=row.id,
        run=row.run_id,
        version=version,
        unit=unit,
        year=year,
        kind=kind,
        change=row.change,
        first_seen_at=iso(row.first_seen_at),
        status=status,
    )


def row_fields(
    session: Session, row: FindingRow, status: str | None = None, lang: str = "sv"
) -> dict[str, Any]:
    """One stored finding as JSON data, rendered (`status`: as the caller found it, else as
    its decisions make it)."""
    found = findings_by_id(session, [row.id], lang)
    fields = found[0].model_dump(mode="json")
    if status is not None:
        fields["status"] = status
    return fields
