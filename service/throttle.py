"""Login throttling per pair of user name and address, counted atomically in the database.

Every attempt is counted before its password is checked, in a transaction of its own that holds
the pair's row (PostgreSQL: `INSERT … ON CONFLICT DO NOTHING` and `SELECT … FOR UPDATE`; SQLite:
the insert takes the database's write lock), so concurrent attempts from many worker processes
are counted one by one: exactly `LOGIN_LIMIT` of them reach the password check, on both
databases. After `LOGIN_LIMIT` failures in a row the pair waits `LOGIN_WINDOW` seconds, and each
further failure doubles the wait up to `LOGIN_MAX_WAIT` (answered as 429 with `Retry-After`).
A success clears the pair; a pair without failures for `LOGIN_FORGET` seconds starts again.

Only the pair waits: the same user from another address, or another user from the same address,
is not held up. The row keeps a hash of the pair, never the user name typed (which may be a
password typed in the wrong field).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.db import LoginAttempt, utcnow


@dataclass(frozen=True)
class Policy:
    limit: int = 5  # failures in a row before the first wait
    first_wait: int = 900  # seconds
    max_wait: int = 86_400
    forget: int = 86_400  # seconds without a failure after which the count starts again

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Policy:
        return cls(
            int(config.get("LOGIN_LIMIT", cls.limit)),
            int(config.get("LOGIN_WINDOW", cls.first_wait)),
            int(config.get("LOGIN_MAX_WAIT", cls.max_wait)),
            int(config.get("LOGIN_FORGET", cls.forget)),
        )

    def wait(self, failures: int) -> int:
        """Seconds the pair waits after this many failures in a row (0: none)."""
        if failures < self.limit:
            return 0
        return int(min(self.max_wait, self.first_wait * 2 ** min(failures - self.limit, 40)))


def pair_key(username: str, address: str) -> str:
    return hashlib.sha256(f"{username.strip().lower()}\n{address}".encode()).hexdigest()


def reserve(session: Session, key: str, policy: Policy, now: datetime | None = None) -> int | None:
    """Count an attempt of the pair as a failure before its password is checked, and commit.
    Returns the seconds still to wait when the pair may not try now (nothing is counted)."""
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(LoginAttempt)
        .values(key=key, failures=0, last_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    row = session.execute(
        select(LoginAttempt)
        .where(LoginAttempt.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if row.blocked_until is not None and row.blocked_until > now:
        session.commit()
        return max(1, math.ceil((row.blocked_until - now).total_seconds()))
    if row.last_at < now - timedelta(seconds=policy.forget):
        row.failures = 0
    row.failures += 1
    row.last_at = now
    wait = policy.wait(row.failures)
    row.blocked_until = now + timedelta(seconds=wait) if wait else None
    session.execute(  # pairs long quiet and not waiting are forgotten
        delete(LoginAttempt).where(
            LoginAttempt.last_at < now - timedelta(seconds=policy.forget),
            or_(LoginAttempt.blocked_until.is_(None), LoginAttempt.blocked_until < now),
        )
    )
    session.commit()
    return None


def clear(session: Session, key: str) -> None:
    """A success: the pair starts from nothing (in the caller's transaction)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))
