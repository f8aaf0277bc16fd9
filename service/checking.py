"""One check per upload: the unit's dossier of the year is checked once and its findings are
split per document version, each stored whole (`checks.findings.FindingRecord`) with the rule
texts of the catalogue that judged it, so it renders in Swedish or English when read.

Works in the caller's session and transaction, as `service.store` does.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checks.catalogue import Catalogue
from checks.checker import Checker, CheckResult
from checks.documents import DOCUMENT_MODELS
from checks.dossier import Dossier
from checks.findings import FindingRecord, rule_texts
from checks.loading import InputError, LoadedDocument
from service import audit
from service.db import (
    CatalogueRule,
    CheckRun,
    DocumentSeries,
    DocumentVersion,
    FindingRow,
    OrgUnit,
    utcnow,
)
from service.store import current_versions, findings_of, latest_run, previous_version, reparse

Judged = tuple[CheckRun, list[FindingRow], list[FindingRow]]  # run, findings, resolved
AKT = "akt"  # findings on the dossier as a whole (R1): kept with the plan, else the new version


def check_dossier(
    session: Session,
    checker: Checker,
    unit: OrgUnit,
    year: int,
    actor: str,
    new: tuple[DocumentVersion, LoadedDocument] | None = None,
) -> dict[int, Judged]:
    """Check the unit's dossier of the year once – its current version of every kind, `new`
    among them as already read – and give each version a run with its share of the findings,
    marked new or persisting against the version's previous run (or the previous version's).
    Only this unit's documents are read; returns what each version's run judged."""
    versions = list(current_versions(session, year, unit.id))
    documents: dict[str, tuple[DocumentVersion, LoadedDocument]] = {}
    for version in versions:
        if new is not None and version.id == new[0].id:
            documents[version.series.kind] = new
            continue
        try:
            documents[version.series.kind] = (version, reparse(version))
        except InputError:  # stored versions were valid when stored; a changed model may refuse
            continue
    if not documents:
        return {}
    order = list(DOCUMENT_MODELS)
    kinds = sorted(documents, key=lambda k: order.index(k) if k in order else len(order))
    first: Any = documents[kinds[0]][1].document
    dossier = Dossier(
        source=f"{unit.name} {year}",
        year=year,
        committee=(new[1].document if new is not None else first).committee,
        unit=unit.name,
        documents={kind: documents[kind][1] for kind in kinds},
    )
    result: CheckResult = checker.check(dossier)
    save_catalogue_texts(session, checker.catalogue)
    holder = "verksamhetsplan" if "verksamhetsplan" in documents else None
    if holder is None:
        holder = new[1].kind if new is not None else kinds[0]
    shares: dict[str, list[FindingRecord]] = {kind: [] for kind in kinds}
    for finding in result.findings:
        kind = holder if finding.document_kind == AKT else finding.document_kind
        if kind in shares and finding.record is not None:
            shares[kind].append(finding.record)
    unjudged: dict[str, dict[str, list[dict[str, Any]]]] = {kind: {} for kind in kinds}
    for rule_id, items in result.unjudged.items():
        for item in items:
            kind = holder if item.document_kind == AKT else item.document_kind
            if kind in unjudged:
                unjudged[kind].setdefault(rule_id, []).append(dataclasses.asdict(item))
    members = {kind: documents[kind][0].id for kind in kinds}
    return {
        documents[kind][0].id: _store_run(
            session, documents[kind][0], result, shares[kind], unjudged[kind], members, actor
        )
        for kind in kinds
    }


def recheck(session: Session, checker: Checker, year: int, actor: str) -> list[Judged]:
    """New runs for every current document of the year: one check per unit's dossier."""
    units = session.execute(
        select(OrgUnit)
        .where(OrgUnit.id.in_(select(DocumentSeries.unit_id).where(DocumentSeries.year == year)))
        .order_by(OrgUnit.id)
    ).scalars()
    return [
        judged
        for unit in units
        for judged in check_dossier(session, checker, unit, year, actor).values()
    ]


def _store_run(
    session: Session,
    version: DocumentVersion,
    result: CheckResult,
    records: list[FindingRecord],
    unjudged: dict[str, list[dict[str, Any]]],
    members: dict[str, int],
    actor: str,
) -> Judged:
    before_run = latest_run(session, version.id)
    if before_run is None:
        prev = previous_version(session, version)
        before_run = latest_run(session, prev.id) if prev is not None else None
    before = {f.fingerprint: f for f in findings_of(session, before_run)}
    run = CheckRun(
        version_id=version.id,
        catalogue_version=result.catalogue_version,
        catalogue_hash=result.catalogue_hash,
        input_hash=version.content_hash,
        duration_ms=round(result.duration_ms, 3),
        outcomes=result.outcomes,
        unjudged=unjudged,
        dossier=members,
        error_count=sum(f.severity == "fel" for f in records),
        warning_count=sum(f.severity == "varning" for f in records),
        info_count=sum(f.severity == "info" for f in records),
    )
    session.add(run)
    session.flush()
    # the version's latest run: the highest id wins, also when two checks of the dossier run
    # at once (the row lock orders them; versions are updated in the dossier's kind order)
    session.execute(
        update(DocumentVersion)
        .where(
            DocumentVersion.id == version.id,
            or_(DocumentVersion.latest_run_id.is_(None), DocumentVersion.latest_run_id < run.id),
        )
        .values(latest_run_id=run.id)
    )
    now = utcnow()
    rows: list[FindingRow] = []
    for f in records:
        old = before.get(f.fingerprint)
        row = FindingRow(
            run_id=run.id,
            fingerprint=f.fingerprint,
            rule_id=f.rule_id,
            severity=f.severity,
            element_id=f.element_id,
            element=dict(f.element),
            document=f.document,
            document_kind=f.document_kind,
            path=f.path,
            line=f.line,
            breadcrumb={lang: list(c) for lang, c in f.breadcrumb.items()},
            evidence=[e.model_dump(mode="json") for e in f.evidence],
            values=_plain(f.values),
            change="persisting" if old is not None else "new",
            first_seen_at=old.first_seen_at if old is not None else now,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    fingerprints = {f.fingerprint for f in records}
    resolved = [f for fp, f in before.items() if fp not in fingerprints]
    audit.append(
        session,
        actor,
        "check_run",
        f"run:{run.id}",
        {
            "version": version.id,
            "dossier": members,
            "catalogue": result.catalogue_version,
            "catalogue_hash": result.catalogue_hash,
            "findings": len(rows),
            "new": sum(r.change == "new" for r in rows),
            "resolved": len(resolved),
        },
    )
    return run, rows, resolved


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Values as JSON keeps them: anything but a number, truth value or text as its text."""
    return {
        k: v if v is None or isinstance(v, str | int | float | bool) else str(v)
        for k, v in values.items()
    }


def save_catalogue_texts(session: Session, catalogue: Catalogue) -> None:
    """The rule texts of this catalogue version, stored once: findings render from them."""
    have = set(
        session.execute(
            select(CatalogueRule.rule_id).where(
                CatalogueRule.catalogue_hash == catalogue.content_hash
            )
        ).scalars()
    )
    missing = [c for c in catalogue.rules if c.id not in have]
    if not missing:
        return
    try:
        with session.begin_nested():
            session.add_all(
                CatalogueRule(
                    catalogue_hash=catalogue.content_hash,
                    catalogue_version=catalogue.version,
                    rule_id=c.id,
                    texts=rule_texts(c),
                )
                for c in missing
            )
    except IntegrityError:  # another request stored them first
        pass
