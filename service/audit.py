"""The audit trail: every change appended as an entry whose hash covers the previous entry's hash,
so an entry changed, removed or inserted in the database breaks the chain (`verify`).

What a chain alone cannot see – its own end cut off, or the whole chain rewritten with fresh
hashes – the checkpoints see (`service.checkpoints`): after every commit that appended entries,
the new head (entry id and hash) is signed with the server's key and appended to a file outside
the database. `verify` also compares the documents' versions, the decisions and the users with
the entries that recorded them (`service.audit_records`).

Each entry's time is hashed as a canonical UTC text (ISO 8601, microseconds, no offset), whatever
the time zone of the database session or the process: the stored moment is read back in UTC.

Appending takes a transaction-wide advisory lock on PostgreSQL, and SQLite's write lock before
the last entry is read, so concurrent requests cannot fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session

from service.audit_records import Records
from service.checkpoints import PENDING, TRAIL, Trail, database_identity
from service.db import AuditEntry, utcnow

GENESIS = "0" * 64
__all__ = [
    "GENESIS",
    "Trail",
    "Verification",
    "append",
    "checkpoint",
    "digest",
    "moment_text",
    "verify",
]


def moment_text(at: datetime) -> str:
    """The canonical text of a moment: UTC, ISO 8601 with microseconds, without an offset (a
    naive value is UTC, as SQLite gives it back)."""
    utc = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds")


def digest(
    prev: str, at: datetime, actor: str, action: str, subject: str, details: dict[str, Any]
) -> str:
    payload = json.dumps(
        [prev, moment_text(at), actor, action, subject, details],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add an entry in the caller's transaction; its checkpoint is written after the commit.
    `at` is now unless given (an entry of a known moment: imports, tests)."""
    return append_many(session, [(actor, action, subject, details)], at)[0]


Entry = tuple[str, str, str, dict[str, Any] | None]  # actor, action, subject, details


def append_many(
    session: Session, entries: Sequence[Entry], at: datetime | None = None
) -> list[AuditEntry]:
    """Add entries, chained in this order, in the caller's transaction: the lock taken and the
    last entry read once for all of them (a check of a dossier appends one per document)."""
    if not entries:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # one appender at a time across all transactions, held until commit: `FOR UPDATE` on
        # the last row alone would let two transactions chain to the same predecessor
        session.execute(text("SELECT pg_advisory_xact_lock(7402611)"))
    else:
        # SQLite: take the write lock before reading the last entry (the driver begins a
        # transaction only at a write, and a read before it could see a predecessor that
        # another writer is about to chain to)
        session.execute(text("UPDATE audit_entry SET id = id WHERE 1 = 0"))
    last = session.execute(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1).with_for_update()
    ).scalar_one_or_none()
    prev = last.hash if last is not None else GENESIS
    if at is None:
        moment = utcnow()
    else:
        moment = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    added: list[AuditEntry] = []
    for actor, action, subject, details in entries:
        body = json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))
        entry = AuditEntry(
            at=moment,
            actor=actor[:100],
            action=action[:40],
            subject=subject[:200],
            details=body,
            prev_hash=prev,
        )
        entry.hash = digest(prev, moment, entry.actor, entry.action, entry.subject, body)
        prev = entry.hash
        added.append(entry)
    session.add_all(added)
    session.flush()
    session.info[PENDING] = (added[-1].id, added[-1].hash)
    return added


def _url(session: Session) -> URL:
    bind = session.get_bind()
    return bind.engine.url if isinstance(bind, Connection) else bind.url


def checkpoint(session: Session, trail: Trail) -> int | None:
    """Sign the chain's head as it stands (`styrkoll audit checkpoint`, after a verified upgrade
    or restore); its entry id, None for an empty log."""
    last = session.execute(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    if last is None:
        return None
    trail.write(database_identity(_url(session)), last.id, last.hash)
    return last.id


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending is None:
        return
    trail: Trail = session.info.get(TRAIL) or Trail.configured()
    trail.write(database_identity(_url(session)), *pending)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_rollback", _after_rollback)


@dataclass
class Verification:
    """The chain's entries, what is wrong (`problems`) and what could not be checked (`notes`)."""

    entries: int
    problems: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, trail: Trail | None = None, originals: bool = False) -> Verification:
    """Recompute the chain, compare it with the signed checkpoints, and the versions, decisions
    and users with their entries; every problem is named by entry, checkpoint or record.
    `originals`: also hash every version's stored original (reads every document)."""
    trail = trail or session.info.get(TRAIL) or Trail.configured(create_key=False)
    book = trail.read(database_identity(_url(session)))
    problems: list[str] = list(book.problems)
    records = Records()
    prev = GENESIS
    count = 0
    last_id = 0
    stmt = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    for entry in session.execute(stmt).scalars():
        count += 1
        last_id = entry.id
        if entry.prev_hash != prev:
            problems.append(f"post {entry.id}: länken till föregående post är bruten")
        expected = digest(
            entry.prev_hash, entry.at, entry.actor, entry.action, entry.subject, entry.details
        )
        if entry.hash != expected:
            problems.append(f"post {entry.id}: innehållet stämmer inte med sin hash (ändrad)")
        problems.extend(book.compare(entry.id, entry.hash))
        records.see(entry)
        prev = entry.hash
    problems.extend(book.missing())
    notes = book.notes(count, last_id)
    problems.extend(records.compare(session, originals))
    return Verification(count, problems, notes)
