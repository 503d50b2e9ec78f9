"""The Secrecy Bureau's decision history goes on the decision trail every service shares (shared.trail_store): the
per-subject chains of secrecy_decisions are chained onto it in the order they were written, each line keeping its
old id and hash in its details, and the old table goes.

Downgrade restores secrecy_decisions empty: the lines stay only in decision_trail, which it drops.

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-10
"""
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
CLASSIFIED = ("DECLARED", "CONFIRMED")


def _decision(row) -> Decision:
    project_id = row.subject_id if row.subject_type == "PROJECT" else None
    return Decision(at=as_utc(row.at), department=row.department, unit=row.unit, actor=row.actor,
                    action=row.action, subject_type=row.subject_type, subject_id=row.subject_id,
                    project_id=project_id, reason="; ".join(row.reasons) or None,
                    classified=project_id is not None and row.status in CLASSIFIED,
                    details={**row.details, "reasons": list(row.reasons), "migrated_from": {
                        "table": "secrecy_decisions", "id": row.id, "entry_hash": row.entry_hash}})


def upgrade() -> None:
    create_trail_tables_v1(op)
    decisions = sa.table("secrecy_decisions", *(sa.column(name) for name in (
        "id", "subject_type", "subject_id", "action", "department", "unit", "actor", "entry_hash")),
        sa.column("at", sa.DateTime(timezone=True)), sa.column("reasons", sa.JSON), sa.column("details", sa.JSON))
    register = sa.table("secrecy_classifications", sa.column("project_id"), sa.column("status"))
    rows = op.get_bind().execute(
        sa.select(decisions, register.c.status)
        .outerjoin(register, register.c.project_id == decisions.c.subject_id).order_by(decisions.c.id)).all()
    append_in_migration(op, [_decision(row) for row in rows])
    op.drop_index("ix_secrecy_decisions_subject", table_name="secrecy_decisions")
    op.drop_table("secrecy_decisions")


def downgrade() -> None:
    op.create_table(
        "secrecy_decisions",
        sa.Column("id", BIGINT_ID, primary_key=True, autoincrement=True),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("department", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100)),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("subject_type", "subject_id", "previous_hash", name="uq_secrecy_decisions_chain"),
    )
    op.create_index("ix_secrecy_decisions_subject", "secrecy_decisions", ["subject_type", "subject_id"])
    drop_trail_tables_v1(op)
