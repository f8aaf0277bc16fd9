"""The service's tables, as SQLAlchemy 2.0 typed models. The schema itself is made by Alembic
(`service/migrations/`); a test proves the models and the migrations agree.

Documents are immutable versions per unit, year and kind; check runs and their findings are
appended, never edited; decisions follow a finding's fingerprint; the audit log is a hash chain.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, always in UTC with its zone: stored as `timestamptz` on PostgreSQL (whatever the
    session's time zone) and as UTC text on SQLite (which keeps no zone); read back aware, in UTC,
    on both. A naive value is taken to be UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.replace(tzinfo=None) if dialect.name == "sqlite" else aware

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class OrgUnit(Base):
    """nämnd → förvaltning → avdelning → enhet."""

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))  # nämnd, förvaltning, avdelning, enhet
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)

    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_org_unit_name"),)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # enhet, controller, revisor, admin
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # the admin who created the account, and so chose its first password (migration 0007; NULL:
    # made outside the API, as the demo's): four eyes count them as one person
    # (`service.access.same_person`)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", name="fk_app_user_created_by"), nullable=True
    )
    # the generation of the user's sessions: a session cookie carries the number it was made
    # with and is void once this moves on (logout, deactivation)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiToken(Base):
    """A hashed API token: the token itself is shown once and never stored. Valid until
    `expires_at` unless revoked (its owner, an admin, or the owner's deactivation)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class LoginAttempt(Base):
    """Failed logins of one user name from one address (`key`), counted in the database so that
    every worker process sees them: `failures` in a row, and no attempt before `blocked_until`
    (`service.throttle`)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class DocumentSeries(Base):
    """One unit's documents of one kind and year; `last_version` hands out version numbers."""

    __tablename__ = "document_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))  # indexed by uq_series
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    last_version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("unit_id", "year", "kind", name="uq_series"),)


class DocumentVersion(Base):
    __tablename__ = "document_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("document_series.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    original: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # what the uploader gave for a document that does not state it (fields year, committee):
    # kept so that every later reading of the original gives the same document
    given_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    given_committee: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # the version's latest run, set as each run is stored (migration 0004): the findings list
    # reads the current findings as those of the latest run of every series' newest version
    # (`DocumentSeries.last_version`) without grouping whole tables
    latest_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("check_run.id", name="fk_document_version_latest_run", use_alter=True),
        nullable=True,
    )
    # the version as validated (migration 0006), beside its original: the document model as
    # pydantic JSON (by alias), where each of its paths stands in the original (JSON, [line,
    # *path] each) and the hash of the document models that validated it (`service.store.
    # MODELS_HASH`). A re-check reads these instead of parsing the original again; a version
    # validated by other models, or without them, is read from its original
    validated: Mapped[str | None] = mapped_column(Text, nullable=True)
    validated_lines: Mapped[str | None] = mapped_column(Text, nullable=True)
    validated_by: Mapped[str | None] = mapped_column(String(16), nullable=True)

    series: Mapped[DocumentSeries] = relationship()

    __table_args__ = (UniqueConstraint("series_id", "version", name="uq_version"),)


class CheckRun(Base):
    """One version judged as part of its unit's dossier of the year: one check of the dossier
    gives a run per document in it (`dossier`: kind -> version id), with every rule's outcome
    and the elements that could not be judged in this document."""

    __tablename__ = "check_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"), index=True)
    catalogue_version: Mapped[str] = mapped_column(String(20))
    catalogue_hash: Mapped[str] = mapped_column(String(64))
    input_hash: Mapped[str] = mapped_column(String(64))
    duration_ms: Mapped[float] = mapped_column()
    outcomes: Mapped[dict[str, Any]] = mapped_column(JSON)
    unjudged: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dossier: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the run's findings by severity, kept with the run: a list counts a whole administration
    # from its runs instead of from every finding (migration 0005)
    error_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    warning_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    info_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the job that stored the run (migration 0006; NULL before): a job stores at most one run per
    # version, so a job executed twice (a worker killed after its commit) stores nothing new
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("check_job.id", name="fk_check_run_job"), nullable=True
    )

    __table_args__ = (UniqueConstraint("job_id", "version_id", name="uq_check_run_job_version"),)


SEVERITY_COUNTS = {
    "fel": CheckRun.error_count,
    "varning": CheckRun.warning_count,
    "info": CheckRun.info_count,
}


class CheckJob(Base):
    """One check of a unit's dossier of a year, as a job (`service.jobs`): for an upload (the
    version uploaded: its run is stored even when a newer version came first) or a re-check.

    Done when `finished_at` is set, in the same transaction as its runs (`runs`: per version its
    run and counts). Queued on PostgreSQL: `queue_id` is the job's id in procrastinate's queue
    (schema `procrastinate`), whose status tells queued, running or failed; `error` is the last
    failure's text. `catalogue_hash` is the catalogue the job asked for (NULL: the worker's)."""

    __tablename__ = "check_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_version.id"), nullable=True, index=True
    )
    reason: Mapped[str] = mapped_column(String(10))  # upload, recheck
    reread: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    catalogue_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    queue_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, unique=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    runs: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class CatalogueRule(Base):
    """A rule's texts (title, message, reference, remedy in Swedish and English) as a catalogue
    version had them: stored findings render from the catalogue they were judged by."""

    __tablename__ = "catalogue_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    catalogue_hash: Mapped[str] = mapped_column(String(64))
    catalogue_version: Mapped[str] = mapped_column(String(20))
    rule_id: Mapped[str] = mapped_column(String(8))
    texts: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("catalogue_hash", "rule_id", name="uq_catalogue_rule"),)


class FindingRow(Base):
    """A finding stored whole and without its language (`checks.findings.FindingRecord`): the
    element's labels and breadcrumb in Swedish and English, the evidence, the values the
    message's placeholders take. `legacy_message` is the Swedish message of a finding stored
    before findings were kept whole (migration 0003), which kept no values; else NULL."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("check_run.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(32), index=True)
    rule_id: Mapped[str] = mapped_column(String(8), index=True)
    severity: Mapped[str] = mapped_column(String(10), index=True)
    element_id: Mapped[str] = mapped_column(String(200), default="")
    element: Mapped[dict[str, str]] = mapped_column(JSON)  # sv, en
    document: Mapped[str] = mapped_column(String(300), default="")
    document_kind: Mapped[str] = mapped_column(String(40), default="")
    path: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    breadcrumb: Mapped[dict[str, list[str]]] = mapped_column(JSON)  # sv, en
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    values: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    legacy_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    change: Mapped[str] = mapped_column(String(12))  # new, persisting
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # the findings list counts and pages a run's findings by severity, rule and status (the
    # decisions on the fingerprint) from this index alone, never reading the findings' rows
    __table_args__ = (
        Index("ix_finding_run_filters", "run_id", "severity", "rule_id", "fingerprint", "id"),
    )


class Decision(Base):
    """A response or an exception on a finding, by its fingerprint in one document series."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("document_series.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # will_fix, comment, accepted_risk, ...
    text: Mapped[str] = mapped_column(Text)
    expires: Mapped[date | None] = mapped_column(Date)
    requested_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(12))  # recorded, requested, approved

    __table_args__ = (Index("ix_decision_series_fingerprint", "series_id", "fingerprint"),)


class AuditEntry(Base):
    """An append-only log entry, chained to the previous one by hash (`service.audit`); `at` in
    UTC on both databases (migration 0007)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class RateCount(Base):
    """How many checks or uploads one user asked for in the current window (`service.ratelimit`),
    counted in the database so that every worker process sees them."""

    __tablename__ = "rate_count"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # action:user id
    bucket: Mapped[int] = mapped_column(BigInteger)  # the window's number since the epoch
    count: Mapped[int] = mapped_column(Integer, default=0)
