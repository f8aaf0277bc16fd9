"""What a report covers and what it reads: the part of the organisation (a committee's or an
administration's tree, narrowed to the units the user may read), the current version of every
document of the year as validated when it was stored (`service.store.read_version`, the
reading a re-check makes), and the current findings (`service.findings.list_findings`).

Nothing here is hand-written: every figure a report shows is counted from these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, defer

from checks.loading import InputError
from service import access, store
from service.db import Decision, DocumentSeries, DocumentVersion, FindingRow, OrgUnit, User
from service.decisions import EXCEPTION_KINDS, status_of
from service.findings import NEWEST_VERSION, Filters, current_findings, list_findings
from service.stored import StoredFinding

# reports read the documents of a kind in this order; the newest follow-up report comes last
REPORT_ORDER = ("tertialrapport_1", "tertialrapport_2", "årsrapport")
CHUNK = 5000  # findings read per statement when a report or an export reads them all


class OutOfReach(LookupError):
    """The unit does not exist, is not of the level asked for, or the user may read nothing in
    its tree: the API answers 404 (or 422 for the wrong level) in Swedish."""

    def __init__(self, message_sv: str, message_en: str, wrong_level: bool = False) -> None:
        super().__init__(message_sv)
        self.message_sv = message_sv
        self.message_en = message_en
        self.wrong_level = wrong_level


@dataclass
class Scope:
    """A root unit and the units of its tree the user may read (ids and names)."""

    root: OrgUnit
    names: dict[int, str]  # every readable unit of the tree, the root and levels between too
    levels: dict[int, str]
    complete: bool  # the user may read the whole tree

    @property
    def ids(self) -> set[int]:
        return set(self.names)

    @property
    def units(self) -> list[int]:
        """The units proper (level enhet), by name: what 'N of M units' counts."""
        found = [i for i, level in self.levels.items() if level == "enhet"]
        return sorted(found, key=lambda i: self.names[i])


def resolve(
    session: Session, user: User, root_id: int, level: str, what_sv: str, what_en: str
) -> Scope:
    """The tree under `root_id` as far as the user may read it. A unit of another level than
    `level` is refused (a summary is a committee's, a control report an administration's)."""
    root = session.get(OrgUnit, root_id)
    readable = access.units(session, user, "read")
    if root is None:
        raise OutOfReach(  # as for one not visible: 404s do not tell the two apart
            f"{what_sv} finns inte eller är inte synlig för dig",
            f"the {what_en} does not exist or is not visible to you",
        )
    tree = access.descendants(session, root.id)
    visible = tree if readable is None else tree & readable
    if not visible:
        raise OutOfReach(
            f"{what_sv} finns inte eller är inte synlig för dig",
            f"the {what_en} does not exist or is not visible to you",
        )
    if root.level != level:
        raise OutOfReach(
            f'"{root.name}" är en {root.level}, inte en {level}: välj en {level}',
            f'"{root.name}" is a {root.level}, not a {level}: choose a {level}',
            wrong_level=True,
        )
    rows = session.execute(
        select(OrgUnit.id, OrgUnit.name, OrgUnit.level).where(OrgUnit.id.in_(sorted(visible)))
    ).all()
    return Scope(
        root=root,
        names={r.id: r.name for r in rows},
        levels={r.id: r.level for r in rows},
        complete=visible == tree,
    )


@dataclass
class UnitDocuments:
    """One unit's current documents of the year, parsed: kind -> document model."""

    unit_id: int
    name: str
    documents: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, DocumentVersion] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)  # kinds whose stored original refused

    def latest_report(self, with_budget: bool = False) -> tuple[str, Any] | None:
        """The newest follow-up report (årsrapport before tertial 2 before tertial 1)."""
        for kind in reversed(REPORT_ORDER):
            doc = self.documents.get(kind)
            if doc is not None and (not with_budget or doc.budget is not None):
                return kind, doc
        return None


def current_versions(session: Session, unit_ids: Iterable[int], year: int) -> list[DocumentVersion]:
    """The newest version of every series of these units and year, in one statement."""
    ids = sorted(set(unit_ids))
    if not ids:
        return []
    return list(
        session.execute(
            select(DocumentVersion)
            .options(contains_eager(DocumentVersion.series), defer(DocumentVersion.original))
            .join(DocumentSeries, NEWEST_VERSION)
            .where(DocumentSeries.unit_id.in_(ids), DocumentSeries.year == year)
            .order_by(DocumentVersion.id)
        ).scalars()
    )


def parsed(version: DocumentVersion) -> Any:
    """A stored version's document as validated when it was stored (its original read again
    where the models have changed since): `service.store.read_version`, as a re-check reads it."""
    return store.read_version(version, version.series.kind).document


def documents(session: Session, scope: Scope, year: int) -> dict[int, UnitDocuments]:
    """Every unit of the scope that has documents of the year, with them parsed."""
    out: dict[int, UnitDocuments] = {}
    for version in current_versions(session, scope.ids, year):
        unit = version.series.unit_id
        entry = out.setdefault(unit, UnitDocuments(unit, scope.names[unit]))
        kind = version.series.kind
        entry.versions[kind] = version
        try:
            entry.documents[kind] = parsed(version)
        except InputError:  # stored when valid; a later model may refuse it: said, not hidden
            entry.unreadable.append(kind)
    return dict(sorted(out.items(), key=lambda item: item[1].name))


def all_findings(
    session: Session, filters: Filters, lang: str = "sv", today: date | None = None
) -> list[StoredFinding]:
    """Every current finding the filters select, rendered, in document and finding order
    (read CHUNK at a time, as the findings list reads a page)."""
    out: list[StoredFinding] = []
    page = 1
    while True:
        total, found = list_findings(session, filters, page, CHUNK, lang, today)
        out.extend(found)
        if not found or len(out) >= total:
            return out
        page += 1


@dataclass(frozen=True)
class Counted:
    """A current finding as a report counts it: where it is, its rule and severity, its status
    after the decisions on it – not rendered (a committee's thousands are counted, not read)."""

    id: int
    unit: int
    year: int
    kind: str
    rule_id: str
    severity: str
    element_id: str
    status: str


def counted_findings(
    session: Session, units: set[int], year: int, today: date | None = None
) -> list[Counted]:
    """The current findings of these units and year (those of the latest run of each series'
    newest version, as `service.findings.list_findings` reads them), in document and finding
    order, with the status their exceptions give them (`service.decisions.status_of`): two
    statements, whatever the number."""
    today = today or date.today()
    rows = session.execute(
        current_findings(
            FindingRow.id,
            FindingRow.rule_id,
            FindingRow.severity,
            FindingRow.element_id,
            FindingRow.fingerprint,
            DocumentSeries.id.label("series"),
            DocumentSeries.unit_id,
            DocumentSeries.kind,
        )
        .where(DocumentSeries.unit_id.in_(sorted(units)), DocumentSeries.year == year)
        .order_by(DocumentVersion.id, FindingRow.id)
    ).all()
    exceptions: dict[tuple[int, str], list[Decision]] = {}
    for d in session.execute(
        select(Decision)
        .where(
            Decision.series_id.in_(sorted({r.series for r in rows})),
            Decision.kind.in_(EXCEPTION_KINDS),
            Decision.state.in_(("approved", "requested")),
        )
        .order_by(Decision.id.desc())
    ).scalars():
        exceptions.setdefault((d.series_id, d.fingerprint), []).append(d)
    statuses = {key: status_of(found, today)[0] for key, found in exceptions.items()}
    return [
        Counted(
            r.id,
            r.unit_id,
            year,
            r.kind,
            r.rule_id,
            r.severity,
            r.element_id,
            statuses.get((r.series, r.fingerprint), "active"),
        )
        for r in rows
    ]


def count_findings(session: Session, filters: Filters) -> int:
    """How many current findings the filters select, without reading them."""
    total, _ = list_findings(session, filters, 1, 1)
    return total


def version_numbers(session: Session, version_ids: Iterable[int]) -> dict[int, int]:
    """Version id -> its number in its series, in one statement."""
    ids = sorted(set(version_ids))
    if not ids:
        return {}
    return dict(
        session.execute(
            select(DocumentVersion.id, DocumentVersion.version).where(DocumentVersion.id.in_(ids))
        ).all()
    )


def fingerprints_of_run(session: Session, run_id: int | None) -> dict[str, int]:
    """A run's findings: fingerprint -> finding id."""
    if run_id is None:
        return {}
    return dict(
        session.execute(
            select(FindingRow.fingerprint, FindingRow.id).where(FindingRow.run_id == run_id)
        ).all()
    )
