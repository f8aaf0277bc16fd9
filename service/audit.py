"""The audit trail: every change appended as an entry whose hash covers the previous entry's hash,
so an entry changed, removed or inserted in the database breaks the chain (`verify`).

Appending takes a transaction-wide advisory lock on PostgreSQL (SQLite serialises writers
anyway), so concurrent requests cannot fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from service.db import AuditEntry, utcnow

GENESIS = "0" * 64


def _digest(
    prev: str, at: datetime, actor: str, action: str, subject: str, details: dict[str, Any]
) -> str:
    payload = json.dumps(
        [prev, at.isoformat(timespec="microseconds"), actor, action, subject, details],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _normal(at: datetime) -> datetime:
    """Timestamps as stored: SQLite drops the time zone, so hash the naive UTC value."""
    return at.replace(tzinfo=None)


def append(
    session: Session, actor: str, action: str, subject: str, details: dict[str, Any] | None = None
) -> AuditEntry:
    """Add an entry in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # one appender at a time across all transactions, held until commit: `FOR UPDATE` on
        # the last row alone would let two transactions chain to the same predecessor
        session.execute(text("SELECT pg_advisory_xact_lock(7402611)"))
    last = session.execute(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1).with_for_update()
    ).scalar_one_or_none()
    prev = last.hash if last is not None else GENESIS
    at = _normal(utcnow())
    body = dict(details or {})
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        details=body,
        prev_hash=prev,
        hash=_digest(prev, at, actor, action, subject, body),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass
class Verification:
    entries: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session) -> Verification:
    """Recompute the chain; every broken link is named by entry id."""
    problems: list[str] = []
    prev = GENESIS
    count = 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        if entry.prev_hash != prev:
            problems.append(f"post {entry.id}: länken till föregående post är bruten")
        expected = _digest(
            entry.prev_hash,
            _normal(entry.at),
            entry.actor,
            entry.action,
            entry.subject,
            entry.details,
        )
        if entry.hash != expected:
            problems.append(f"post {entry.id}: innehållet stämmer inte med sin hash (ändrad)")
        prev = entry.hash
    return Verification(count, problems)
