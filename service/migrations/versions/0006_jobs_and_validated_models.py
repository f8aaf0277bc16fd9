"""checks as jobs, and re-checks without re-reading: the table check_job (one check of a unit's
dossier of a year, for an upload or a re-check), each run's job (a job stores one run per version
at most), each version's validated model beside its original; on PostgreSQL, procrastinate's
queue in a schema of its own (`procrastinate`)

The validated model of every version stored before this revision is made here, by reading its
original once (a version its reading now refuses keeps none and is read from its original
when checked, as before). Procrastinate's schema is that of the procrastinate release installed
when this revision runs (3.10); a later release's own migrations come as a later revision.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = "procrastinate"
BATCH = 200


def upgrade() -> None:
    op.create_table(
        "check_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.Column("reread", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("catalogue_hash", sa.String(length=64), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queue_id", sa.BigInteger(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("runs", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["org_unit.id"]),
        sa.ForeignKeyConstraint(["version_id"], ["document_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("queue_id"),
    )
    op.create_index("ix_check_job_unit_id", "check_job", ["unit_id"])
    op.create_index("ix_check_job_version_id", "check_job", ["version_id"])
    with op.batch_alter_table("check_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_check_run_job", "check_job", ["job_id"], ["id"])
        batch_op.create_unique_constraint("uq_check_run_job_version", ["job_id", "version_id"])
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("validated", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("validated_lines", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("validated_by", sa.String(length=16), nullable=True))
    _fill_validated()
    if op.get_bind().dialect.name == "postgresql":
        _create_queue()


def _fill_validated() -> None:
    """Every stored version read once from its original, in batches."""
    from checks.loading import InputError
    from service.store import parse_upload, validated_fields

    bind = op.get_bind()
    versions = sa.table(
        "document_version",
        sa.column("id", sa.Integer()),
        sa.column("original", sa.LargeBinary()),
        sa.column("filename", sa.String()),
        sa.column("given_year", sa.Integer()),
        sa.column("given_committee", sa.String()),
        sa.column("validated", sa.Text()),
        sa.column("validated_lines", sa.Text()),
        sa.column("validated_by", sa.String()),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(
                versions.c.id,
                versions.c.original,
                versions.c.filename,
                versions.c.given_year,
                versions.c.given_committee,
            )
            .where(versions.c.id > last)
            .order_by(versions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for vid, original, filename, given_year, given_committee in rows:
            try:
                loaded = parse_upload(bytes(original), filename, given_year, given_committee)
            except InputError:
                continue
            bind.execute(
                versions.update().where(versions.c.id == vid).values(**validated_fields(loaded))
            )
        last = rows[-1][0]


def _create_queue() -> None:
    """Procrastinate's tables, types and functions in the schema `procrastinate`; its functions
    find their own objects whatever the caller's search path is."""
    from procrastinate.schema import SchemaManager

    bind = op.get_bind()
    bind.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    saved = bind.exec_driver_sql("SELECT current_setting('search_path')").scalar_one()
    bind.exec_driver_sql(f"SELECT set_config('search_path', '{SCHEMA}', true)")
    cursor = bind.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(SchemaManager.get_schema())  # several statements: no parameters
    finally:
        cursor.close()
    functions = bind.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace"
        f" WHERE n.nspname = '{SCHEMA}'"
    ).scalars()
    for function in list(functions):
        bind.exec_driver_sql(f"ALTER FUNCTION {function} SET search_path = {SCHEMA}, pg_catalog")
    bind.execute(sa.text("SELECT set_config('search_path', :saved, true)"), {"saved": saved})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_column("validated_by")
        batch_op.drop_column("validated_lines")
        batch_op.drop_column("validated")
    with op.batch_alter_table("check_run", schema=None) as batch_op:
        batch_op.drop_constraint("uq_check_run_job_version", type_="unique")
        batch_op.drop_constraint("fk_check_run_job", type_="foreignkey")
        batch_op.drop_column("job_id")
    op.drop_index("ix_check_job_version_id", table_name="check_job")
    op.drop_index("ix_check_job_unit_id", table_name="check_job")
    op.drop_table("check_job")
