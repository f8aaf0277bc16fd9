"""findings stored whole and without their language; rule texts per catalogue; runs keep the
dossier and the unjudged elements; indexes for the findings list's filters

A finding stored before this revision kept its Swedish message, element label, path and line:
they are carried over (the message as `legacy_message`, the label as the element's Swedish
label), with the document and its kind from the version the finding was judged in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CHUNK = 1000

finding = sa.table(
    "finding",
    sa.column("id", sa.Integer),
    sa.column("element", sa.Text),
    sa.column("element_label", sa.JSON),
    sa.column("element_id", sa.String),
    sa.column("document", sa.String),
    sa.column("document_kind", sa.String),
    sa.column("breadcrumb", sa.JSON),
    sa.column("evidence", sa.JSON),
    sa.column("legacy_message", sa.Text),
    sa.column("message", sa.Text),
    sa.column("values", sa.JSON),
    sa.column("rule_id", sa.String),
    sa.column("run_id", sa.Integer),
)
check_run = sa.table(
    "check_run",
    sa.column("id", sa.Integer),
    sa.column("unjudged", sa.JSON),
    sa.column("dossier", sa.JSON),
    sa.column("catalogue_hash", sa.String),
)


def _chunks(rows: list[dict[str, Any]]) -> Any:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _installed_texts() -> None:
    """The rule texts of the installed catalogue: the findings stored before this revision were
    mostly judged by it, and they render from it (the service adds every later version's)."""
    from checks.catalogue import load_catalogue
    from checks.findings import rule_texts

    catalogue = load_catalogue()
    table = sa.table(
        "catalogue_rule",
        sa.column("catalogue_hash", sa.String),
        sa.column("catalogue_version", sa.String),
        sa.column("rule_id", sa.String),
        sa.column("texts", sa.JSON),
    )
    op.bulk_insert(
        table,
        [
            {
                "catalogue_hash": catalogue.content_hash,
                "catalogue_version": catalogue.version,
                "rule_id": checked.id,
                "texts": rule_texts(checked),
            }
            for checked in catalogue.rules
        ],
    )


def upgrade() -> None:
    op.create_table(
        "catalogue_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalogue_hash", sa.String(length=64), nullable=False),
        sa.Column("catalogue_version", sa.String(length=20), nullable=False),
        sa.Column("rule_id", sa.String(length=8), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("catalogue_hash", "rule_id", name="uq_catalogue_rule"),
    )
    _installed_texts()
    with op.batch_alter_table("check_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unjudged", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("dossier", sa.JSON(), nullable=True))
    conn = op.get_bind()
    runs = conn.execute(sa.text("SELECT check_run.id FROM check_run")).scalars().all()
    for chunk in _chunks([{"rid": rid, "unjudged": {}, "dossier": {}} for rid in runs]):
        conn.execute(
            check_run.update()
            .where(check_run.c.id == sa.bindparam("rid"))
            .values(unjudged=sa.bindparam("unjudged"), dossier=sa.bindparam("dossier")),
            chunk,
        )
    with op.batch_alter_table("check_run", schema=None) as batch_op:
        batch_op.alter_column("unjudged", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("dossier", existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("element_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("element_label", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("document", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("document_kind", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("breadcrumb", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("evidence", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("values", sa.JSON(), nullable=True))
        batch_op.alter_column(
            "message", new_column_name="legacy_message", existing_type=sa.Text(), nullable=True
        )
    old = conn.execute(
        sa.text(
            "SELECT finding.id, finding.element, document_version.filename, document_series.kind"
            " FROM finding JOIN check_run ON check_run.id = finding.run_id"
            " JOIN document_version ON document_version.id = check_run.version_id"
            " JOIN document_series ON document_series.id = document_version.series_id"
        )
    ).all()
    carried = [
        {
            "fid": fid,
            "label": {"sv": element},  # the English label was never stored: Swedish stands in
            "eid": "",
            "doc": filename,
            "kind": kind,
            "crumb": {"sv": [], "en": []},
            "evidence": [],
        }
        for fid, element, filename, kind in old
    ]
    for chunk in _chunks(carried):
        conn.execute(
            finding.update()
            .where(finding.c.id == sa.bindparam("fid"))
            .values(
                element_label=sa.bindparam("label"),
                element_id=sa.bindparam("eid"),
                document=sa.bindparam("doc"),
                document_kind=sa.bindparam("kind"),
                breadcrumb=sa.bindparam("crumb"),
                evidence=sa.bindparam("evidence"),
            ),
            chunk,
        )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_column("element")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.alter_column(
            "element_label", new_column_name="element", existing_type=sa.JSON(), nullable=False
        )
        for name, type_ in (
            ("element_id", sa.String(length=200)),
            ("document", sa.String(length=300)),
            ("document_kind", sa.String(length=40)),
            ("breadcrumb", sa.JSON()),
            ("evidence", sa.JSON()),
        ):
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        batch_op.create_index(batch_op.f("ix_finding_rule_id"), ["rule_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_finding_severity"), ["severity"], unique=False)
    with op.batch_alter_table("document_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_series_year"), ["year"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_series_kind"), ["kind"], unique=False)
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decision_series_fingerprint", ["series_id", "fingerprint"], unique=False
        )


def downgrade() -> None:
    """Back to one Swedish message per finding: the legacy message, or the message rendered in
    Swedish from the rule's texts of the finding's catalogue."""
    from checks.findings import render_message

    conn = op.get_bind()
    texts = {
        (h, r): t
        for h, r, t in conn.execute(
            sa.select(
                sa.column("catalogue_hash"), sa.column("rule_id"), sa.column("texts", sa.JSON)
            ).select_from(sa.table("catalogue_rule"))
        )
    }
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index("ix_decision_series_fingerprint")
    with op.batch_alter_table("document_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_series_kind"))
        batch_op.drop_index(batch_op.f("ix_document_series_year"))
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_severity"))
        batch_op.drop_index(batch_op.f("ix_finding_rule_id"))
        batch_op.alter_column("element", new_column_name="element_label", existing_type=sa.JSON())
        batch_op.alter_column(
            "legacy_message", new_column_name="message", existing_type=sa.Text(), nullable=True
        )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("element", sa.Text(), nullable=True))
    rows = conn.execute(
        sa.select(
            finding.c.id,
            finding.c.rule_id,
            finding.c.element_label,
            finding.c.message,
            finding.c["values"],
            check_run.c.catalogue_hash,
        ).join(check_run, check_run.c.id == finding.c.run_id)
    ).all()
    back = []
    for fid, rule_id, label, message, values, catalogue_hash in rows:
        if message is None:
            template = (texts.get((catalogue_hash, rule_id)) or {}).get("message", {}).get("sv")
            message = render_message(template, values or {}, "sv") if template else rule_id
        back.append({"fid": fid, "msg": message, "el": (label or {}).get("sv", "")})
    for chunk in _chunks(back):
        conn.execute(
            finding.update()
            .where(finding.c.id == sa.bindparam("fid"))
            .values(message=sa.bindparam("msg"), element=sa.bindparam("el")),
            chunk,
        )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.alter_column("message", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("element", existing_type=sa.Text(), nullable=False)
    with op.batch_alter_table("finding", schema=None) as batch_op:
        for name in (
            "element_label",
            "values",
            "evidence",
            "breadcrumb",
            "document_kind",
            "document",
            "element_id",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("check_run", schema=None) as batch_op:
        batch_op.drop_column("dossier")
        batch_op.drop_column("unjudged")
    op.drop_table("catalogue_rule")
