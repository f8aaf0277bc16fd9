"""an audit trail in UTC, accounts that can be ended: audit times as moments in UTC (PostgreSQL:
timestamptz) and the entries stored in another time zone than they were hashed in put back at
their hashed moment, each one recorded in the trail; users keep who created them and a session
generation; API tokens a name, an end and a revocation; failed logins counted per user name and
address (the table is made anew: it holds only throttling state)

An entry appended by an earlier release from a process whose database session was not in UTC
(PGTZ=Europe/Stockholm) was stored an hour or two off the moment its hash covers; in the spring
daylight-saving hour even that was shifted. Its hash still holds the true moment: the stored
time is moved back to the moment, within 14 hours in steps of 15 minutes, that makes the entry's
hash hold again. An entry no moment makes whole is left as it is, for `styrkoll audit verify` to
report. Existing tokens end 90 days after they were made.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LOG = logging.getLogger("alembic.runtime.migration")
TOKEN_DAYS = 90
BATCH = 1000
STEPS = sorted((m for m in range(-14 * 60, 14 * 60 + 1, 15) if m), key=lambda m: (abs(m), m))


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_foreign_key("fk_app_user_created_by", "app_user", ["created_by"], ["id"])
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    _token_ends()
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
    op.drop_table("login_attempt")
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_login_attempt_last_at", "login_attempt", ["last_at"])
    _audit_in_utc()


def _token_ends() -> None:
    bind = op.get_bind()
    tokens = sa.table(
        "api_token",
        sa.column("id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    for tid, created in bind.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        bind.execute(
            tokens.update()
            .where(tokens.c.id == tid)
            .values(expires_at=_stored(_utc(created) + timedelta(days=TOKEN_DAYS)))
        )


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _stored(at: datetime) -> datetime:
    """A moment as the database takes it: SQLite keeps UTC without a zone."""
    return at.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else at


def _digest(
    prev: str, at: datetime, actor: str, action: str, subject: str, details: dict[str, Any]
) -> str:
    """`service.audit.digest` as of this revision."""
    moment = _utc(at).replace(tzinfo=None).isoformat(timespec="microseconds")
    payload = json.dumps(
        [prev, moment, actor, action, subject, details],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


AUDIT = sa.table(
    "audit_entry",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("subject", sa.String()),
    sa.column("details", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def _audit_in_utc() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        kind = bind.execute(
            sa.text(
                "SELECT data_type FROM information_schema.columns WHERE table_schema ="
                " current_schema() AND table_name = 'audit_entry' AND column_name = 'at'"
            )
        ).scalar_one()
        if kind == "timestamp without time zone":
            op.execute(
                "ALTER TABLE audit_entry ALTER COLUMN at TYPE timestamptz"
                " USING at AT TIME ZONE 'UTC'"
            )
    moved: list[list[int]] = []
    last, head = 0, None
    while True:
        rows = bind.execute(
            sa.select(AUDIT).where(AUDIT.c.id > last).order_by(AUDIT.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            last, head = row.id, row
            fields = (row.actor, row.action, row.subject, row.details or {})
            at = _utc(row.at)
            if _digest(row.prev_hash, at, *fields) == row.hash:
                continue
            for minutes in STEPS:
                moment = at + timedelta(minutes=minutes)
                if _digest(row.prev_hash, moment, *fields) == row.hash:
                    bind.execute(
                        AUDIT.update().where(AUDIT.c.id == row.id).values(at=_stored(moment))
                    )
                    moved.append([row.id, minutes])
                    break
    if moved and head is not None:
        LOG.info("audit entries put back at their hashed moment: %d", len(moved))
        details = {"entries": moved[:5000], "count": len(moved)}
        now = datetime.now(UTC)
        args = ("migration 0007", "audit_times_repaired", "audit:times", details)
        bind.execute(
            AUDIT.insert().values(
                at=_stored(now),
                actor=args[0],
                action=args[1],
                subject=args[2],
                details=details,
                prev_hash=head.hash,
                hash=_digest(head.hash, now, *args),
            )
        )


def downgrade() -> None:
    op.drop_index("ix_login_attempt_last_at", table_name="login_attempt")
    op.drop_table("login_attempt")
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempt_key"), ["key"], unique=False)
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("name")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint("fk_app_user_created_by", type_="foreignkey")
        batch_op.drop_column("session_epoch")
        batch_op.drop_column("created_by")
