"""what the uploader gave: the year and committee of a document that does not state them

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("given_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("given_committee", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_column("given_committee")
        batch_op.drop_column("given_year")
