"""each document version points at its latest run: the findings list reads the current
findings (the latest run of every series' newest version) without grouping whole tables; an
index of a run's findings by severity, rule and fingerprint counts and pages them

Filled for the runs stored before this revision: the run with the highest id of each version,
as the list chose it until now.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FK = "fk_document_version_latest_run"
INDEX = "ix_finding_run_filters"


def upgrade() -> None:
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latest_run_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, "check_run", ["latest_run_id"], ["id"])
    op.execute(
        "UPDATE document_version SET latest_run_id ="
        " (SELECT max(check_run.id) FROM check_run"
        " WHERE check_run.version_id = document_version.id)"
    )
    op.create_index(INDEX, "finding", ["run_id", "severity", "rule_id", "fingerprint", "id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="finding")
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("latest_run_id")
