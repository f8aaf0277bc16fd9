"""What changed: each current version against the version before it in its series, the
findings of every version of the year, and the open findings of the earlier years – for the
committee summary's "what has changed" and its trend charts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db import DocumentSeries, DocumentVersion, FindingRow
from service.findings import Filters
from service.reports import scope as sc
from service.reports.models import SeverityCounts, VersionChange, VersionPoint, YearPoint

YEARS_BACK = 4


def _versions_of_year(session: Session, scope: sc.Scope, year: int) -> list[Any]:
    return list(
        session.execute(
            select(
                DocumentSeries.id.label("series"),
                DocumentSeries.unit_id,
                DocumentSeries.kind,
                DocumentSeries.last_version,
                DocumentVersion.version,
                DocumentVersion.latest_run_id,
            )
            .join(DocumentVersion, DocumentVersion.series_id == DocumentSeries.id)
            .where(DocumentSeries.unit_id.in_(sorted(scope.ids)), DocumentSeries.year == year)
            .order_by(DocumentSeries.id, DocumentVersion.version)
        ).all()
    )


def changes(session: Session, scope: sc.Scope, year: int) -> list[VersionChange]:
    """Each current version against the version before it in its series: the findings that
    are new, and those of the previous version that are no longer there."""
    rows = _versions_of_year(session, scope, year)
    pairs = {}
    for row in rows:
        if row.version == row.last_version and row.version > 1:
            before = next(
                (r for r in rows if r.series == row.series and r.version == row.version - 1), None
            )
            if before is not None:
                pairs[row.series] = (row, before.latest_run_id)
    out = []
    for row, before_run in pairs.values():
        now = sc.fingerprints_of_run(session, row.latest_run_id)
        then = sc.fingerprints_of_run(session, before_run)
        out.append(
            VersionChange(
                unit_id=row.unit_id,
                unit=scope.names[row.unit_id],
                kind=row.kind,
                version=row.version,
                new=sorted(i for fp, i in now.items() if fp not in then),
                resolved=sorted(i for fp, i in then.items() if fp not in now),
            )
        )
    return sorted(out, key=lambda c: (c.unit, c.kind))


def versions(session: Session, scope: sc.Scope, year: int) -> list[VersionPoint]:
    """The findings of every version's latest run, summed over the units by kind and number."""
    rows = _versions_of_year(session, scope, year)
    runs = [r.latest_run_id for r in rows if r.latest_run_id is not None]
    counted = dict(
        session.execute(
            select(FindingRow.run_id, func.count())
            .where(FindingRow.run_id.in_(runs))
            .group_by(FindingRow.run_id)
        ).all()
    )
    tally: dict[tuple[str, int], int] = defaultdict(int)
    for r in rows:
        tally[(r.kind, r.version)] += counted.get(r.latest_run_id, 0)
    return [VersionPoint(kind=k, version=v, findings=n) for (k, v), n in sorted(tally.items())]


def years(
    session: Session, scope: sc.Scope, year: int, this_year: SeverityCounts
) -> list[YearPoint]:
    """The open findings of each earlier year with documents (up to YEARS_BACK), and this one."""
    years = session.execute(
        select(DocumentSeries.year)
        .where(
            DocumentSeries.unit_id.in_(sorted(scope.ids)),
            DocumentSeries.year.between(year - YEARS_BACK, year - 1),
        )
        .distinct()
        .order_by(DocumentSeries.year)
    ).scalars()
    out = []
    for y in years:
        counts = {}
        for severity in ("fel", "varning", "info"):
            every = Filters(units=scope.ids, year=y, severity=severity)
            excepted = Filters(units=scope.ids, year=y, severity=severity, status="exception")
            counts[severity] = sc.count_findings(session, every) - sc.count_findings(
                session, excepted
            )
        out.append(YearPoint(year=y, **counts))
    return [*out, YearPoint(year=year, **this_year.model_dump())]
