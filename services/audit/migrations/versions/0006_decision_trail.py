"""The Audit Bureau's decisions go on the decision trail every service shares (shared.trail_store). The entries of
the old audit_trail are chained onto it in their order, each keeping its old seq and entry hash in its details (so a
head hash published from the old trail can still be found), and the old table goes.

Downgrade restores the old table empty: the entries stay only in decision_trail, which it drops.

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-10
"""
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from shared.trail import Decision
from shared.trail_store import append_in_migration, create_trail_tables_v1, drop_trail_tables_v1

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _decision(row) -> Decision:
    content = json.loads(row.content)
    return Decision(
        at=datetime.fromisoformat(content["at"]).astimezone(timezone.utc), department=content["department"],
        unit=content["unit"], actor=content["actor"], action=content["action"], subject_type=content["subject_type"],
        subject_id=content["subject_id"], project_id=content["project_id"], reason=content["reason"],
        details={**content["details"], "migrated_from": {"table": "audit_trail", "seq": row.seq,
                                                         "entry_hash": row.entry_hash}},
        classified=bool(row.classified))


def upgrade() -> None:
    create_trail_tables_v1(op)
    rows = op.get_bind().execute(sa.text("SELECT seq, classified, content, entry_hash FROM audit_trail ORDER BY seq"))
    append_in_migration(op, [_decision(row) for row in rows])
    op.drop_index("ix_audit_trail_project", table_name="audit_trail")
    op.drop_index("ix_audit_trail_subject", table_name="audit_trail")
    op.drop_table("audit_trail")


def downgrade() -> None:
    op.create_table(
        "audit_trail",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("project_id", sa.String(36)),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("previous_hash", name="uq_audit_trail_previous_hash"),
    )
    op.create_index("ix_audit_trail_subject", "audit_trail", ["subject_type", "subject_id"])
    op.create_index("ix_audit_trail_project", "audit_trail", ["project_id"])
    drop_trail_tables_v1(op)
