"""Stored findings read back: filtered, counted and paginated in SQL, each rendered in Swedish
or English from the rule texts of the catalogue that judged it.

A page of findings costs a constant number of statements whatever the number of findings: the
page's ids with the total, the page, the decisions on the page's findings (their status) and the
rule texts of the page. The current findings are read through each version's latest run
(`latest_run_id`) and each series' newest version (`last_version`); a status filter is an
EXISTS on the decisions. `StoredFinding` is the library's `Finding` with where the service
keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    func,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from checks.findings import EvidenceRecord, Finding, FindingRecord, Texts, render
from service.db import (
    SEVERITY_COUNTS,
    CatalogueRule,
    CheckRun,
    Decision,
    DocumentSeries,
    DocumentVersion,
    FindingRow,
)
from service.decisions import EXCEPTION_KINDS, status_of

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
    area: str | None = None  # a rule area: the rule id's letter (checks.catalogue.Rule.area)


S = TypeVar("S", bound=Select[Any])


def iso(value: datetime) -> str:
    """UTC, the same on SQLite (which drops the zone) and PostgreSQL."""
    aware = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.isoformat()


def _exceptions(state: str | None = None) -> Select[int]:
    """The exceptions on the finding's fingerprint in its series (correlated), in `state`."""
    stmt = select(Decision.id).where(
        Decision.series_id == DocumentSeries.id,
        Decision.fingerprint == FindingRow.fingerprint,
        Decision.kind.in_(EXCEPTION_KINDS),
    )
    return stmt.where(Decision.state == state) if state is not None else stmt


def _status_is(status: str, today: date) -> ColumnElement[bool]:
    """A condition that a current finding has this status (as `decisions.status_of` gives it),
    as EXISTS on the decisions' index: the newest approved exception decides, expired or not;
    else a requested one; else active."""
    approved, requested = _exceptions("approved"), _exceptions("requested")
    if status == "active":
        return ~approved.exists() & ~requested.exists()
    if status == "exception_requested":
        return ~approved.exists() & requested.exists()
    if status not in ("exception", "exception_expired"):
        return false()
    newer = aliased(Decision, name="newer")
    newest = approved.where(
        ~select(newer.id)
        .where(
            newer.series_id == Decision.series_id,
            newer.fingerprint == Decision.fingerprint,
            newer.kind.in_(EXCEPTION_KINDS),
            newer.state == "approved",
            newer.id > Decision.id,
        )
        .exists()
    )
    expired = Decision.expires.is_not(None) & (Decision.expires < today)
    return newest.where(expired if status == "exception_expired" else ~expired).exists()


def _placed() -> Select[FindingRow, str, str, int, int, int, str, int]:
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


# each series' newest version: the join every "current" read starts from
NEWEST_VERSION = and_(
    DocumentVersion.series_id == DocumentSeries.id,
    DocumentVersion.version == DocumentSeries.last_version,
)


def current_findings(*columns: Any) -> Select[Any]:
    """`columns` of the current findings: those of the latest run of every series' newest
    version, read from the series and the version's pointer (no grouping of whole tables);
    the series, the version and the finding are joined for filters and order."""
    return (
        select(*columns)
        .select_from(DocumentSeries)
        .join(DocumentVersion, NEWEST_VERSION)
        .join(FindingRow, FindingRow.run_id == DocumentVersion.latest_run_id)
    )


def current_by_fingerprint(
    session: Session, pairs: set[tuple[int, str]]
) -> dict[tuple[int, str], FindingRow]:
    """The current finding of each (series, fingerprint), where there is one: one statement."""
    out: dict[tuple[int, str], FindingRow] = {}
    if not pairs:
        return out
    for row, series in session.execute(
        current_findings(FindingRow, DocumentSeries.id).where(
            DocumentSeries.id.in_(sorted({s for s, _ in pairs})),
            FindingRow.fingerprint.in_(sorted({fp for _, fp in pairs})),
        )
    ).all():
        if (series, row.fingerprint) in pairs:
            out[(series, row.fingerprint)] = row
    return out


def _current() -> Select[Any]:
    """The ids of the current findings."""
    return current_findings(FindingRow.id)


def of_series(stmt: S, unit: int | None, year: int | None, kind: str | None) -> S:
    """A statement over document series narrowed to a unit, a year and a kind, where given."""
    if unit is not None:
        stmt = stmt.where(DocumentSeries.unit_id == unit)
    if year is not None:
        stmt = stmt.where(DocumentSeries.year == year)
    if kind is not None:
        stmt = stmt.where(DocumentSeries.kind == kind)
    return stmt


def _counted_from_runs(filters: Filters) -> bool:
    """Whether the total can be summed from the runs' severity counts (no rule, status or area
    filter: those need the findings themselves)."""
    return filters.rule is None and filters.status is None and filters.area is None


def _narrowed(stmt: S, filters: Filters) -> S:
    """A statement over the current versions' series narrowed to the filters' units."""
    if filters.units is not None:
        # the ids as literals: a whole administration's hundreds of units as bound parameters
        # cost more to send than the query takes
        units: BindParameter[int] = bindparam(
            "units", sorted(filters.units), expanding=True, literal_execute=True
        )
        stmt = stmt.where(DocumentSeries.unit_id.in_(units))
    return of_series(stmt, filters.unit, filters.year, filters.kind)


def _total_from_runs(session: Session, filters: Filters) -> int:
    """The number of current findings, summed from the latest runs' severity counts: one row
    per current version instead of one per finding."""
    if filters.severity is not None:
        counted: ColumnElement[int] = SEVERITY_COUNTS[filters.severity].expression
    else:
        counted = CheckRun.error_count + CheckRun.warning_count + CheckRun.info_count
    stmt = (
        select(func.coalesce(func.sum(counted), 0))
        .select_from(DocumentSeries)
        .join(DocumentVersion, NEWEST_VERSION)
        .join(CheckRun, CheckRun.id == DocumentVersion.latest_run_id)
    )
    return int(session.execute(_narrowed(stmt, filters)).scalar_one())


def list_findings(
    session: Session,
    filters: Filters,
    page: int = 1,
    per_page: int = 50,
    lang: str = "sv",
    today: date | None = None,
) -> tuple[int, list[StoredFinding]]:
    """The current findings a list shows: the total and one page, in document and finding
    order. Four or five statements, whatever the number of findings: the total (summed from
    the runs' counts where no rule or status narrows it, else counted with the page's ids),
    the page's ids, the page, the decisions on the page's findings and the rule texts."""
    today = today or date.today()
    stmt = _current_in(filters, today)
    window = stmt.order_by(DocumentVersion.id, FindingRow.id).limit(per_page)
    window = window.offset((page - 1) * per_page)
    if _counted_from_runs(filters):
        total = _total_from_runs(session, filters)
        page_ids = [r.id for r in session.execute(window)] if total else []
    else:
        # the page's ids and the total in one pass over the matching findings (a window
        # count); a page past the end counts them on their own
        found = session.execute(window.add_columns(func.count().over().label("total"))).all()
        if found:
            total = found[0].total
        else:
            total = session.execute(stmt.with_only_columns(func.count())).scalar_one()
        page_ids = [r.id for r in found]
    rows = session.execute(
        _placed().where(FindingRow.id.in_(page_ids)).order_by(DocumentVersion.id, FindingRow.id)
    ).all()
    return total, _rendered(session, rows, lang, today)


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
    rows = session.execute(_placed().where(FindingRow.id.in_(sorted(set(ids))))).all()
    found = {f.id: f for f in _rendered(session, rows, lang, today or date.today(), status)}
    return [found[i] for i in ids if i in found]


def findings_of_runs(
    session: Session, run_ids: Sequence[int], lang: str = "sv", today: date | None = None
) -> list[StoredFinding]:
    """Every finding of these runs, rendered, in run and finding order."""
    if not run_ids:
        return []
    rows = session.execute(
        _placed().where(FindingRow.run_id.in_(list(run_ids))).order_by(FindingRow.id)
    ).all()
    return _rendered(session, rows, lang, today or date.today())


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


def _rendered(
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


def rows_fields(
    session: Session, rows: Sequence[FindingRow], status: str | None = None, lang: str = "sv"
) -> list[dict[str, Any]]:
    """Stored findings as JSON data, rendered, in the order of `rows`: a constant number of
    statements however many (`status`: as the caller found them, else as decisions make it)."""
    found = findings_by_id(session, [r.id for r in rows], lang, status=status)
    return [f.model_dump(mode="json") for f in found]


# --- by rule area: the pages' overview (service/web/controller.py) and its findings lists -------


def _area() -> ColumnElement[str]:
    """A finding's rule area: its rule id's letter (`checks.catalogue.Rule.area`)."""
    return func.substr(FindingRow.rule_id, 1, 1)


def _current_in(filters: Filters, today: date) -> Select[Any]:
    """The ids of the current findings the filters keep."""
    stmt = _narrowed(_current(), filters)
    if filters.severity is not None:
        stmt = stmt.where(FindingRow.severity == filters.severity)
    if filters.rule is not None:
        stmt = stmt.where(FindingRow.rule_id == filters.rule.upper())
    if filters.status is not None:
        stmt = stmt.where(_status_is(filters.status, today))
    if filters.area is not None:
        stmt = stmt.where(_area() == filters.area)
    return stmt


def count_by_area(
    session: Session, filters: Filters, today: date | None = None
) -> dict[tuple[int, str, str], int]:
    """The current findings counted by (unit, rule area, severity): one grouped statement,
    whatever the number of units and findings. Units without findings are absent."""
    area = _area()
    stmt = (
        _current_in(filters, today or date.today())
        .with_only_columns(DocumentSeries.unit_id, area, FindingRow.severity, func.count())
        .group_by(DocumentSeries.unit_id, area, FindingRow.severity)
    )
    return {(unit, code, severity): n for unit, code, severity, n in session.execute(stmt)}


def list_in_area(
    session: Session,
    filters: Filters,
    area: str | None,
    page: int = 1,
    per_page: int = 50,
    lang: str = "sv",
    today: date | None = None,
) -> tuple[int, list[StoredFinding]]:
    """`list_findings` narrowed to a rule area too (None: every area)."""
    return list_findings(session, replace(filters, area=area), page, per_page, lang, today)
