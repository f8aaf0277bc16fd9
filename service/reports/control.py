"""The controller's internal-control report of an administration and a year – what an auditor
files: per unit its current documents and open findings, and every decision on the year's
findings (responses and exceptions) with who asked, who approved and when. Counted from the
stored rows; `decisions_for` also serves the decisions export with the findings list's filters.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from checks.catalogue import Catalogue
from service.db import (
    CheckRun,
    Decision,
    DocumentSeries,
    DocumentVersion,
    FindingRow,
    OrgUnit,
    User,
)
from service.decisions import EXCEPTION_KINDS, status_of
from service.findings import Filters, current_by_fingerprint
from service.reports import scope as sc
from service.reports.models import Out, SeverityCounts, Statement
from service.reports.words import Words
from service.stored import StoredFinding, iso

DECISION_KINDS = {
    "will_fix": ("Åtgärdas", "Will be fixed"),
    "comment": ("Kommentar", "Comment"),
    "accepted_risk": ("Undantag: accepterad risk", "Exception: accepted risk"),
    "not_applicable": ("Undantag: gäller inte", "Exception: not applicable"),
}
STATES = {
    "recorded": ("registrerat", "recorded"),
    "requested": ("begärt", "requested"),
    "approved": ("godkänt", "approved"),
    "rejected": ("avslaget", "rejected"),
}
STATUSES = {
    "active": ("öppen", "open"),
    "exception": ("undantag", "exception"),
    "exception_expired": ("undantaget har gått ut", "exception expired"),
    "exception_requested": ("undantag begärt", "exception requested"),
    "resolved": ("finns inte längre", "no longer found"),
}


class DocumentRef(Out):
    kind: str
    version: int
    filename: str
    uploaded_at: str = Field(json_schema_extra={"format": "date-time"})
    uploaded_by: str


class ControlUnit(SeverityCounts):
    unit_id: int
    unit: str
    documents: list[DocumentRef]
    exceptions: int


class ControlDecision(Out):
    id: int
    unit_id: int
    unit: str
    year: int
    kind: str = Field(description="dokumentslaget fyndet står i")
    finding: int | None = Field(description="det aktuella fyndet; None när det inte finns kvar")
    rule_id: str | None
    severity: str | None
    title: str | None
    decision: Literal["will_fix", "comment", "accepted_risk", "not_applicable"]
    text: str
    state: Literal["recorded", "requested", "approved", "rejected"]
    expires: date | None
    requested_by: str
    requested_at: str = Field(json_schema_extra={"format": "date-time"})
    approved_by: str | None
    approved_at: str | None
    finding_status: str = Field(description="active, exception, …, eller resolved")


class ControlReport(Out):
    lang: Literal["sv", "en"]
    administration_id: int
    administration: str
    year: int
    generated_at: str = Field(json_schema_extra={"format": "date-time"})
    catalogue_version: str
    complete: bool
    units_total: int
    units: list[ControlUnit]
    open_findings: SeverityCounts
    findings: list[StoredFinding] = Field(description="öppna och undantagna fynd, per enhet")
    decisions: list[ControlDecision]
    statements: list[Statement]


def build_control_report(
    session: Session,
    user: User,
    administration_id: int,
    year: int,
    catalogue: Catalogue,
    lang: str = "sv",
    today: date | None = None,
) -> ControlReport:
    """The report of an administration's year as far as the user may read it (raises
    `scope.OutOfReach` for an administration that is not there for them)."""
    today = today or date.today()
    scope = sc.resolve(
        session, user, administration_id, "förvaltning", "förvaltningen", "administration"
    )
    filters = Filters(units=scope.ids, year=year)
    findings = sc.all_findings(session, filters, lang, today)
    decisions = decisions_for(session, filters, catalogue, lang, today)
    versions = sc.current_versions(session, scope.ids, year)
    uploaders = _usernames(session, {v.uploaded_by for v in versions})
    documents: dict[int, list[DocumentRef]] = defaultdict(list)
    for v in versions:
        documents[v.series.unit_id].append(
            DocumentRef(
                kind=v.series.kind,
                version=v.version,
                filename=v.filename,
                uploaded_at=iso(v.uploaded_at),
                uploaded_by=uploaders.get(v.uploaded_by, "?"),
            )
        )
    units = []
    for unit in sorted(set(documents) | {f.unit for f in findings}, key=lambda u: scope.names[u]):
        mine = [f for f in findings if f.unit == unit and f.status != "exception"]
        units.append(
            ControlUnit(
                unit_id=unit,
                unit=scope.names[unit],
                documents=sorted(documents[unit], key=lambda d: d.kind),
                exceptions=sum(f.unit == unit and f.status == "exception" for f in findings),
                **_counts(mine),
            )
        )
    open_ = [f for f in findings if f.status != "exception"]
    report: dict[str, Any] = {
        "lang": lang,
        "administration_id": scope.root.id,
        "administration": scope.root.name,
        "year": year,
        "generated_at": datetime.now(UTC).isoformat(),
        "catalogue_version": catalogue.version,
        "complete": scope.complete,
        "units_total": len(scope.units),
        "units": units,
        "open_findings": SeverityCounts(**_counts(open_)),
        "findings": sorted(findings, key=lambda f: (scope.names[f.unit], f.kind, f.id)),
        "decisions": decisions,
    }
    report["statements"] = _statements(Words(lang), report, scope)
    return ControlReport.model_validate(report)


def _counts(found: list[StoredFinding]) -> dict[str, int]:
    tally: dict[str, int] = defaultdict(int)
    for f in found:
        tally[f.severity] += 1
    return {"fel": tally["fel"], "varning": tally["varning"], "info": tally["info"]}


def _usernames(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(select(User.id, User.username).where(User.id.in_(sorted(ids)))).all()
    )


def decisions_for(
    session: Session,
    filters: Filters,
    catalogue: Catalogue,
    lang: str = "sv",
    today: date | None = None,
) -> list[ControlDecision]:
    """Every decision on a finding of the series the filters select (units, unit, year, kind),
    with the finding it concerns – the current one, else the last stored – narrowed by the
    finding's severity, rule and status as the findings list narrows them."""
    today = today or date.today()
    asker, approver = aliased(User, name="asker"), aliased(User, name="approver")
    stmt = (
        select(Decision, DocumentSeries, asker.username, approver.username)
        .join(DocumentSeries, DocumentSeries.id == Decision.series_id)
        .join(asker, asker.id == Decision.requested_by)
        .outerjoin(approver, approver.id == Decision.approved_by)
        .order_by(Decision.id)
    )
    if filters.units is not None:
        stmt = stmt.where(DocumentSeries.unit_id.in_(sorted(filters.units)))
    for column, wanted in (
        (DocumentSeries.unit_id, filters.unit),
        (DocumentSeries.year, filters.year),
        (DocumentSeries.kind, filters.kind),
    ):
        if wanted is not None:
            stmt = stmt.where(column == wanted)
    rows = session.execute(stmt).all()
    if not rows:
        return []
    now = current_by_fingerprint(session, {(r[0].series_id, r[0].fingerprint) for r in rows})
    last = _last_stored(session, {(r[0].series_id, r[0].fingerprint) for r in rows})
    statuses = _statuses([r[0] for r in rows], today)
    unit_names = _unit_names(session, {r[1].unit_id for r in rows})
    out = []
    for decision, series, asked_by, approved_by in rows:
        finding = now.get((series.id, decision.fingerprint))
        stored = last.get((series.id, decision.fingerprint))
        rule = finding.rule_id if finding else (stored.rule_id if stored else None)
        severity = finding.severity if finding else (stored.severity if stored else None)
        status = "resolved"
        if finding is not None:
            status = statuses.get((series.id, decision.fingerprint), "active")
        if filters.rule is not None and rule != filters.rule.upper():
            continue
        if filters.severity is not None and severity != filters.severity:
            continue
        if filters.status is not None and status != filters.status:
            continue
        checked = catalogue.get(rule) if rule else None
        title = checked.rule.title.get(lang) if checked else None
        out.append(
            ControlDecision.model_validate(
                {
                    "id": decision.id,
                    "unit_id": series.unit_id,
                    "unit": unit_names[series.unit_id],
                    "year": series.year,
                    "kind": series.kind,
                    "finding": finding.id if finding else None,
                    "rule_id": rule,
                    "severity": severity,
                    "title": title,
                    "decision": decision.kind,
                    "text": decision.text,
                    "state": decision.state,
                    "expires": decision.expires,
                    "requested_by": asked_by,
                    "requested_at": iso(decision.requested_at),
                    "approved_by": approved_by,
                    "approved_at": iso(decision.approved_at) if decision.approved_at else None,
                    "finding_status": status,
                }
            )
        )
    return out


def _unit_names(session: Session, ids: set[int]) -> dict[int, str]:
    return dict(
        session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(sorted(ids)))).all()
    )


def _statuses(decisions: list[Decision], today: date) -> dict[tuple[int, str], str]:
    """The status each finding's exceptions give it (as `service.decisions.status_of`)."""
    by_finding: dict[tuple[int, str], list[Decision]] = defaultdict(list)
    for d in sorted(decisions, key=lambda d: -d.id):
        if d.kind in EXCEPTION_KINDS and d.state in ("approved", "requested"):
            by_finding[(d.series_id, d.fingerprint)].append(d)
    return {key: status_of(found, today)[0] for key, found in by_finding.items()}


def _last_stored(
    session: Session, pairs: set[tuple[int, str]]
) -> dict[tuple[int, str], FindingRow]:
    """The newest stored finding of each (series, fingerprint), of any run."""
    out: dict[tuple[int, str], FindingRow] = {}
    fingerprints = sorted({fp for _, fp in pairs})
    for row, series in session.execute(
        select(FindingRow, DocumentVersion.series_id)
        .join(CheckRun, CheckRun.id == FindingRow.run_id)
        .join(DocumentVersion, DocumentVersion.id == CheckRun.version_id)
        .where(FindingRow.fingerprint.in_(fingerprints))
        .order_by(FindingRow.id)
    ).all():
        if (series, row.fingerprint) in pairs:
            out[(series, row.fingerprint)] = row
    return out


def _statements(w: Words, r: dict[str, Any], scope: sc.Scope) -> list[Statement]:
    c: SeverityCounts = r["open_findings"]
    decisions: list[ControlDecision] = r["decisions"]
    exceptions = [d for d in decisions if d.decision in EXCEPTION_KINDS]
    approved = [d for d in exceptions if d.state == "approved"]
    waiting = [d for d in exceptions if d.state == "requested"]
    expired = [d for d in approved if d.expires is not None and d.expires < date.today()]
    submitted = len([u for u in r["units"] if u.documents])
    total = w.n(len(decisions))
    return [
        Statement(
            text=w(
                f"{w.of(submitted, r['units_total'], 'enheter')} har lämnat handlingar för "
                f"{r['year']}.",
                f"{w.of(submitted, r['units_total'], en='units')} have handed in documents for "
                f"{r['year']}.",
            )
        ),
        Statement(
            text=w(
                f"Det finns {w.n(c.total)} öppna fynd: {w.n(c.fel)} fel, {w.n(c.varning)} "
                f"varningar och {w.n(c.info)} råd.",
                f"There are {w.n(c.total)} open findings: {w.n(c.fel)} errors, "
                f"{w.n(c.varning)} warnings and {w.n(c.info)} advice.",
            ),
            findings=[f.id for f in r["findings"] if f.status != "exception"],
        ),
        Statement(
            text=w(
                f"Enheterna och controllerna har fattat {total} beslut om fynden. "
                f"{w.n(len(exceptions))} av dem är undantag: {w.n(len(approved))} godkända av "
                f"en annan person än den som begärde dem, {w.n(len(waiting))} väntar på "
                f"godkännande och {w.n(len(expired))} har gått ut.",
                f"The units and controllers have made {total} decisions on the findings. "
                f"{w.n(len(exceptions))} of them are exceptions: {w.n(len(approved))} approved "
                f"by someone other than the person who asked, {w.n(len(waiting))} waiting for "
                f"approval and {w.n(len(expired))} expired.",
            ),
            findings=[d.finding for d in decisions if d.finding is not None],
        ),
    ]
