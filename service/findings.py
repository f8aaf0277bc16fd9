"""Stored findings read back: filtered, counted and paginated in SQL, each rendered in Swedish
or English from the rule texts of the catalogue that judged it.

A page of findings costs a constant number of statements whatever the number of findings: the
page's ids with the total, the page, the decisions on the page's findings (their status) and the
rule texts of the page. The current findings are read through each version's latest run
(`latest_run_id`) and each series' newest version (`last_version`); a status filter is an
EXISTS on the decisions. Each finding is rendered by `service.stored`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
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
)
from sqlalchemy.orm import Session, aliased

from service.db import (
    SEVERITY_COUNTS,
    CheckRun,
    Decision,
    DocumentSeries,
    DocumentVersion,
    FindingRow,
)
from service.decisions import EXCEPTION_KINDS
from service.stored import StoredFinding, placed, rendered

STATUSES = ("active", "exception", "exception_expired", "exception_requested")


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
        placed().where(FindingRow.id.in_(page_ids)).order_by(DocumentVersion.id, FindingRow.id)
    ).all()
    return total, rendered(session, rows, lang, today)


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
