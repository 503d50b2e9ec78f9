"""A project's lifecycle history becomes the service's hash-chained decision trail (R-OVS-1, shared.trail_store).
The rows of project_history are chained onto it in the order they were written (each keeps its old row id in its
details; their rule is not known and stays empty), and the old table goes.

Downgrade restores project_history empty: the entries stay only in decision_trail, which it drops.

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-10
"""
import json

import sqlalchemy as sa
from alembic import op

from shared.clock import as_utc
from shared.trail import Decision
from shared.trail_store import append_in_migration, create_trail_tables_v1, drop_trail_tables_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def _decision(row) -> Decision:
    reasons = row.reasons if not isinstance(row.reasons, str) else json.loads(row.reasons)
    return Decision(at=as_utc(row.at), department=row.department, unit=row.unit, actor=row.subject,
                    action=row.action, subject_type="PROJECT", subject_id=row.project_id, project_id=row.project_id,
                    reason="; ".join(reasons) or None, classified=bool(row.classified),
                    details={"from_status": row.from_status, "to_status": row.to_status, "reasons": reasons,
                             "detail": row.detail, "migrated_from": {"table": "project_history", "id": row.id}})


def upgrade() -> None:
    create_trail_tables_v1(op)
    history = sa.table("project_history", *(sa.column(name) for name in (
        "id", "project_id", "action", "from_status", "to_status", "department", "unit", "subject", "detail")),
        sa.column("at", sa.DateTime(timezone=True)), sa.column("reasons", sa.JSON))
    projects = sa.table("projects", sa.column("id"), sa.column("classified", sa.Boolean))
    rows = op.get_bind().execute(
        sa.select(history, projects.c.classified).join(projects, projects.c.id == history.c.project_id)
        .order_by(history.c.id)).all()
    append_in_migration(op, [_decision(row) for row in rows])
    op.drop_table("project_history")


def downgrade() -> None:
    op.create_table(
        "project_history",
        sa.Column("id", BIGINT_ID, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("from_status", sa.String(40)),
        sa.Column("to_status", sa.String(40), nullable=False),
        sa.Column("department", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100)),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    drop_trail_tables_v1(op)
