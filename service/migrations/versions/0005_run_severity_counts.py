"""each run keeps the number of its findings by severity: the findings list of a whole
administration counts from the runs of the current versions instead of from every finding

Filled for the runs stored before this revision from their findings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = {"error_count": "fel", "warning_count": "varning", "info_count": "info"}


def upgrade() -> None:
    with op.batch_alter_table("check_run", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
    for column, severity in COLUMNS.items():
        op.execute(
            f"UPDATE check_run SET {column} = (SELECT count(*) FROM finding"  # noqa: S608
            f" WHERE finding.run_id = check_run.id AND finding.severity = '{severity}')"
        )


def downgrade() -> None:
    with op.batch_alter_table("check_run", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.drop_column(column)
