"""Stored findings rendered when read: a row of the findings table, with its run's catalogue, its
version and its series, becomes the library's `Finding` in Swedish or English, rendered from the
rule texts of the catalogue that judged it (`catalogue_rule`), with its status after the
decisions on it. `StoredFinding` is that finding with where the service keeps it. Reading any
number of findings costs a constant number of statements. The lists, filters and counts of
current findings are `service.findings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import Session

from checks.findings import EvidenceRecord, Finding, FindingRecord, Texts, built, render
from service.db import (
    CatalogueRule,
    CheckRun,
    Decision,
    DocumentSeries,
    DocumentVersion,
    FindingRow,
)
from service.decisions import EXCEPTION_KINDS, status_of


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


def iso(value: datetime) -> str:
    """UTC, the same on SQLite (which drops the zone) and PostgreSQL."""
    aware = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.isoformat()


def placed() -> Select[FindingRow, str, str, int, int, int, str, int]:
    """Findings with their run's catalogue, their version and their series."""
    return (
        select(
            FindingRow,
            CheckRun.catalogue_version,
            CheckRun.catalogue_hash,
            DocumentVersion.id,
            DocumentSeries.unit_id,
            DocumentSeries.year,
            DocumentSeries.kind,
            DocumentSeries.id,
        )
        .select_from(FindingRow)
        .join(CheckRun, CheckRun.id == FindingRow.run_id)
        .join(DocumentVersion, DocumentVersion.id == CheckRun.version_id)
        .join(DocumentSeries, DocumentSeries.id == DocumentVersion.series_id)
    )


def findings_by_id(
    session: Session,
    ids: Sequence[int],
    lang: str = "sv",
    today: date | None = None,
    status: str | None = None,
) -> list[StoredFinding]:
    """Stored findings by id (of any run), rendered, in the order of `ids` (`status`: as the
    caller found it, else as its decisions make it)."""
    if not ids:
        return []
    rows = session.execute(placed().where(FindingRow.id.in_(sorted(set(ids))))).all()
    found = {f.id: f for f in rendered(session, rows, lang, today or date.today(), status)}
    return [found[i] for i in ids if i in found]


def findings_of_runs(
    session: Session, run_ids: Sequence[int], lang: str = "sv", today: date | None = None
) -> list[StoredFinding]:
    """Every finding of these runs, rendered, in run and finding order."""
    if not run_ids:
        return []
    rows = session.execute(
        placed().where(FindingRow.run_id.in_(list(run_ids))).order_by(FindingRow.id)
    ).all()
    return rendered(session, rows, lang, today or date.today())


def _statuses(session: Session, rows: Sequence[Any], today: date) -> dict[tuple[int, str], str]:
    """The status of every (series, fingerprint) of these rows that has exceptions, in one
    statement: those without any are active."""
    pairs = {(r[7], r[0].fingerprint) for r in rows}
    if not pairs:
        return {}
    # by series (a page holds a few dozen), the fingerprints sorted out here: a list of
    # hundreds of (series, fingerprint) pairs costs PostgreSQL more to plan than to answer
    exceptions: dict[tuple[int, str], list[Decision]] = {}
    for d in session.execute(
        select(Decision)
        .where(
            Decision.series_id.in_(sorted({series for series, _ in pairs})),
            Decision.kind.in_(EXCEPTION_KINDS),
            Decision.state.in_(("approved", "requested")),
        )
        .order_by(Decision.id.desc())
    ).scalars():
        if (d.series_id, d.fingerprint) in pairs:
            exceptions.setdefault((d.series_id, d.fingerprint), []).append(d)
    return {pair: status_of(found, today)[0] for pair, found in exceptions.items()}


def rendered(
    session: Session,
    rows: Sequence[Any],
    lang: str,
    today: date,
    status: str | None = None,
) -> list[StoredFinding]:
    texts = rule_texts(session, {(r[2], r[0].rule_id) for r in rows})
    statuses = _statuses(session, rows, today) if status is None else {}
    return [
        stored(
            row,
            (catalogue, catalogue_hash),
            (version, unit, year, kind),
            status or statuses.get((series, row.fingerprint), "active"),
            texts,
            lang,
        )
        for row, catalogue, catalogue_hash, version, unit, year, kind, series in rows
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
    return built(
        FindingRecord,
        {
            "rule_id": row.rule_id,
            "severity": row.severity,
            "element_id": row.element_id,
            "element": row.element,
            "document": row.document,
            "document_kind": row.document_kind,
            "path": row.path,
            "line": row.line,
            "breadcrumb": row.breadcrumb,
            # model_construct: a row stored before 0003 may lack a key
            "evidence": [EvidenceRecord.model_construct(**e) for e in row.evidence],
            "values": row.values or {},
            "fingerprint": row.fingerprint,
            "catalogue_version": catalogue_version,
            "catalogue_hash": catalogue_hash,
        },
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
    fields.update(
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
    return built(StoredFinding, fields)


def rows_fields(
    session: Session, rows: Sequence[FindingRow], status: str | None = None, lang: str = "sv"
) -> list[dict[str, Any]]:
    """Stored findings as JSON data, rendered, in the order of `rows`: a constant number of
    statements however many (`status`: as the caller found them, else as decisions make it)."""
    found = findings_by_id(session, [r.id for r in rows], lang, status=status)
    return [f.model_dump(mode="json") for f in found]


# --- by rule area: the pages' overview (service/web/controller.py) and its findings lists -------
