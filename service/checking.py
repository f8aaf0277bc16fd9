"""One check of a unit's dossier of a year: its documents read as stored (their validated models,
never their originals again), checked once, and the findings split per document version, each
stored whole (`checks.findings.FindingRecord`) with the rule texts of the catalogue that judged it,
so it renders in Swedish or English when read. A check is a job's (`service.jobs`): every run it
stores names the job, and a job stores at most one run per version.

Works in the caller's session and transaction, as `service.store` does. A dossier is loaded in a
bounded number of statements, whatever the number of its documents: its versions with their
series (one), the version a job was for when it is no longer current (one), the previous runs'
findings (one, and one more for versions without a run of their own).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, defer
from sqlalchemy.orm.attributes import set_committed_value

from checks.catalogue import Catalogue
from checks.checker import Checker, CheckResult
from checks.documents import DOCUMENT_MODELS
from checks.dossier import Dossier
from checks.findings import FindingRecord, rule_texts
from checks.loading import InputError, LoadedDocument
from service import audit
from service.db import (
    CatalogueRule,
    CheckJob,
    CheckRun,
    DocumentSeries,
    DocumentVersion,
    FindingRow,
    OrgUnit,
    utcnow,
)
from service.store import models_hash, read_version, reparse, validated_fields

# run, its findings' rows as inserted, the ids of the earlier findings it no longer has
Judged = tuple[CheckRun, list[dict[str, Any]], list[int]]
AKT = "akt"  # findings on the dossier as a whole (R1): kept with the plan, else the new version
ORDER = list(DOCUMENT_MODELS)
_SAVED: set[str] = set()  # catalogues whose rule texts this process has seen stored


@dataclass
class Member:
    """A document of the dossier: its stored version and the document as read."""

    version: DocumentVersion
    kind: str
    loaded: LoadedDocument


def _versions(session: Session, *where: Any, current: bool = True) -> list[DocumentVersion]:
    """Versions with their series and without their originals (read only when needed)."""
    on = DocumentVersion.series_id == DocumentSeries.id
    if current:
        on = and_(on, DocumentVersion.version == DocumentSeries.last_version)
    query = (
        select(DocumentVersion)
        .join(DocumentSeries, on)
        .options(contains_eager(DocumentVersion.series), defer(DocumentVersion.original))
        .where(*where)
        .order_by(DocumentVersion.id)
    )
    return list(session.execute(query).scalars())


def load_dossier(
    session: Session,
    unit_id: int,
    year: int,
    target: int | None = None,
    new: tuple[DocumentVersion, LoadedDocument] | None = None,
    reread: bool = False,
) -> dict[str, Member]:
    """The unit's dossier of the year by kind: the current version of every kind – or, for
    `target`, that version in its kind's place – each read as validated when stored. `new` is
    the upload's version as already read; `reread` reads every original again (an importer or
    model changed) and keeps what it gives as the version's validated model."""
    versions = _versions(session, DocumentSeries.unit_id == unit_id, DocumentSeries.year == year)
    if target is not None and all(v.id != target for v in versions):
        found = _versions(session, DocumentVersion.id == target, current=False)
        if found:
            kind = found[0].series.kind
            versions = [v for v in versions if v.series.kind != kind] + found
    members: dict[str, Member] = {}
    for version in versions:
        kind = version.series.kind
        if new is not None and version.id == new[0].id:
            members[kind] = Member(version, kind, new[1])
            continue
        stale = reread or version.validated is None or version.validated_by != models_hash()
        try:
            loaded = reparse(version) if reread else read_version(version, kind)
        except InputError:  # stored versions were valid when stored; a changed model may refuse
            continue
        if stale:  # kept, so that the next check reads it fast
            for name, value in validated_fields(loaded).items():
                setattr(version, name, value)
        members[kind] = Member(version, kind, loaded)
    return {k: members[k] for k in sorted(members, key=_rank)}


def _rank(kind: str) -> int:
    base = "tertialrapport" if kind.startswith("tertialrapport") else kind
    return ORDER.index(base) if base in ORDER else len(ORDER)


@dataclass(frozen=True)
class Earlier:
    """What comparing a new run with an earlier one reads of each earlier finding."""

    id: int
    fingerprint: str
    first_seen_at: Any


def previous_findings(
    session: Session, versions: list[DocumentVersion]
) -> dict[int, list[Earlier]]:
    """Per version, the findings of its latest run – or, for a version without a run, of the
    previous version's – that a new run is compared with: in one or two statements, reading
    only id, fingerprint and first sighting (never the findings' JSON)."""
    run_of = {v.id: v.latest_run_id for v in versions}
    missing = [v for v in versions if v.latest_run_id is None and v.version > 1]
    if missing:
        pairs = [
            and_(DocumentVersion.series_id == v.series_id, DocumentVersion.version == v.version - 1)
            for v in missing
        ]
        earlier = session.execute(
            select(
                DocumentVersion.series_id, DocumentVersion.version, DocumentVersion.latest_run_id
            ).where(or_(*pairs))
        ).all()
        by_place = {(s, n + 1): run for s, n, run in earlier}
        for v in missing:
            run_of[v.id] = by_place.get((v.series_id, v.version))
    runs = {r for r in run_of.values() if r is not None}
    found: dict[int, list[Earlier]] = {r: [] for r in runs}
    if runs:
        rows = session.execute(
            select(
                FindingRow.run_id, FindingRow.id, FindingRow.fingerprint, FindingRow.first_seen_at
            )
            .where(FindingRow.run_id.in_(runs))
            .order_by(FindingRow.id)
        ).all()
        for run_id, id_, fp, seen in rows:
            found[run_id].append(Earlier(id_, fp, seen))
    return {vid: found[r] if r is not None else [] for vid, r in run_of.items()}


def check_dossier(
    session: Session,
    checker: Checker,
    unit: OrgUnit,
    year: int,
    actor: str,
    new: tuple[DocumentVersion, LoadedDocument] | None = None,
    target: int | None = None,
    job_id: int | None = None,
    reread: bool = False,
) -> dict[int, Judged]:
    """Check the unit's dossier of the year once and give its versions a run each with their
    share of the findings, marked new or persisting against the version's previous run (or the
    previous version's). With `target` (an upload's version, `new` when already read) that is no
    longer current, the dossier is checked with it in its kind's place and only it gets a run:
    the newer version's own check keeps the others current. Returns what each run judged."""
    if new is not None:
        target = new[0].id
    members = load_dossier(session, unit.id, year, target, new, reread)
    if not members:
        return {}
    kinds = list(members)
    holder_of_target = next((k for k in kinds if members[k].version.id == target), None)
    lead = members[holder_of_target or kinds[0]].loaded.document
    dossier = Dossier(
        source=f"{unit.name} {year}",
        year=year,
        committee=lead.committee,
        unit=unit.name,
        documents={kind: members[kind].loaded for kind in kinds},
    )
    result: CheckResult = checker.check(dossier)
    save_catalogue_texts(session, checker.catalogue)
    holder = "verksamhetsplan" if "verksamhetsplan" in members else holder_of_target or kinds[0]
    shares: dict[str, list[FindingRecord]] = {kind: [] for kind in kinds}
    for record in result.records:  # stored without their language: never rendered here
        kind = holder if record.document_kind == AKT else record.document_kind
        if kind in shares:
            shares[kind].append(record)
    unjudged: dict[str, dict[str, list[dict[str, Any]]]] = {kind: {} for kind in kinds}
    for rule_id, items in result.unjudged.items():
        for item in items:
            kind = holder if item.document_kind == AKT else item.document_kind
            if kind in unjudged:
                unjudged[kind].setdefault(rule_id, []).append(dataclasses.asdict(item))
    current = holder_of_target is None or members[holder_of_target].version.version == (
        members[holder_of_target].version.series.last_version
    )
    judged = kinds if current else [holder_of_target]
    return _store_runs(
        session,
        [members[k] for k in judged if k is not None],
        result,
        {k: (shares[k], unjudged[k]) for k in kinds},
        {kind: members[kind].version.id for kind in kinds},
        actor,
        job_id,
    )


def run_job(
    session: Session,
    checker: Checker,
    job: CheckJob,
    new: tuple[DocumentVersion, LoadedDocument] | None = None,
) -> dict[int, Judged]:
    """Do a job's check in the caller's transaction and mark the job done with what its runs
    judged; the caller makes sure it is not done already (`service.jobs.execute`)."""
    unit = session.get(OrgUnit, job.unit_id)
    if unit is None:
        raise LookupError(f"enheten {job.unit_id} finns inte")
    judged = check_dossier(
        session,
        checker,
        unit,
        job.year,
        job.requested_by,
        new=new,
        target=job.version_id,
        job_id=job.id,
        reread=job.reread,
    )
    job.runs = [
        {
            "version": version_id,
            "kind": next(k for k, v in run.dossier.items() if v == version_id),
            "run": run.id,
            "findings": len(rows),
            "new": sum(r["change"] == "new" for r in rows),
            "resolved": len(resolved),
        }
        for version_id, (run, rows, resolved) in judged.items()
    ]
    job.catalogue_hash = checker.catalogue.content_hash
    job.finished_at = utcnow()
    job.error = None
    session.flush()
    return judged


def _store_runs(
    session: Session,
    members: list[Member],
    result: CheckResult,
    shares: dict[str, tuple[list[FindingRecord], dict[str, list[dict[str, Any]]]]],
    dossier: dict[str, int],
    actor: str,
    job_id: int | None,
) -> dict[int, Judged]:
    """The runs and their findings, flushed together; their audit entries last, so that the
    audit trail's lock (`service.audit`) is held for the shortest time before the commit."""
    before = previous_findings(session, [m.version for m in members])
    runs: list[CheckRun] = []
    for member in members:
        records = shares[member.kind][0]
        runs.append(
            CheckRun(
                version_id=member.version.id,
                catalogue_version=result.catalogue_version,
                catalogue_hash=result.catalogue_hash,
                input_hash=member.version.content_hash,
                duration_ms=round(result.duration_ms, 3),
                outcomes=result.outcomes,
                unjudged=shares[member.kind][1],
                dossier=dossier,
                error_count=sum(f.severity == "fel" for f in records),
                warning_count=sum(f.severity == "varning" for f in records),
                info_count=sum(f.severity == "info" for f in records),
                job_id=job_id,
            )
        )
    session.add_all(runs)
    session.flush()
    now = utcnow()
    judged: dict[int, Judged] = {}
    # each version's latest run: the highest id wins, also when two checks of the dossier run
    # at once (the row lock orders them); in one round trip (executemany), and kept in step in
    # the session without reading the rows again
    table = cast(Table, DocumentVersion.__table__)
    session.execute(
        update(table)
        .where(
            table.c.id == bindparam("vid"),
            or_(table.c.latest_run_id.is_(None), table.c.latest_run_id < bindparam("rid")),
        )
        .values(latest_run_id=bindparam("rid")),
        [{"vid": m.version.id, "rid": r.id} for m, r in zip(members, runs, strict=True)],
    )
    values: list[dict[str, Any]] = []
    for member, run in zip(members, runs, strict=True):
        if member.version.latest_run_id is None or member.version.latest_run_id < run.id:
            set_committed_value(member.version, "latest_run_id", run.id)
        old = {f.fingerprint: f for f in before[member.version.id]}
        records = shares[member.kind][0]
        rows = [_row(run.id, f, old.get(f.fingerprint), now) for f in records]
        values += rows
        fingerprints = {f.fingerprint for f in records}
        resolved = [f.id for fp, f in old.items() if fp not in fingerprints]
        judged[member.version.id] = (run, rows, resolved)
    if values:
        # one executemany without RETURNING (psycopg pipelines it with one prepared statement),
        # not ORM objects: a unit's runs store a few hundred findings; `findings_of` reads a
        # run's rows when an answer shows them
        session.execute(insert(cast(Table, FindingRow.__table__)), values)
    audit.append_many(  # one lock and one read of the chain's head for the whole dossier
        session,
        [
            (
                actor,
                "check_run",
                f"run:{run.id}",
                {
                    "version": run.version_id,
                    "dossier": dossier,
                    "catalogue": result.catalogue_version,
                    "catalogue_hash": result.catalogue_hash,
                    "findings": len(rows),
                    "new": sum(r["change"] == "new" for r in rows),
                    "resolved": len(resolved),
                    **({"job": job_id} if job_id is not None else {}),
                },
            )
            for run, rows, resolved in judged.values()
        ],
    )
    return judged


def _row(run_id: int, f: FindingRecord, old: Earlier | None, now: Any) -> dict[str, Any]:
    """A finding's row as inserted: every column given (no ORM default runs here)."""
    return {
        "run_id": run_id,
        "fingerprint": f.fingerprint,
        "rule_id": f.rule_id,
        "severity": f.severity,
        "element_id": f.element_id,
        "element": dict(f.element),
        "document": f.document,
        "document_kind": f.document_kind,
        "path": f.path,
        "line": f.line,
        "breadcrumb": {lang: list(c) for lang, c in f.breadcrumb.items()},
        "evidence": [e.model_dump(mode="json") for e in f.evidence],
        "values": _plain(f.values),
        "legacy_message": None,
        "change": "persisting" if old is not None else "new",
        "first_seen_at": old.first_seen_at if old is not None else now,
    }


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Values as JSON keeps them: anything but a number, truth value or text as its text."""
    return {
        k: v if v is None or isinstance(v, str | int | float | bool) else str(v)
        for k, v in values.items()
    }


def save_catalogue_texts(session: Session, catalogue: Catalogue) -> None:
    """The rule texts of this catalogue version, stored once: findings render from them."""
    if catalogue.content_hash in _SAVED:
        return
    have = set(
        session.execute(
            select(CatalogueRule.rule_id).where(
                CatalogueRule.catalogue_hash == catalogue.content_hash
            )
        ).scalars()
    )
    missing = [c for c in catalogue.rules if c.id not in have]
    if not missing:  # committed (rows are never removed): no need to look again
        _SAVED.add(catalogue.content_hash)
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
