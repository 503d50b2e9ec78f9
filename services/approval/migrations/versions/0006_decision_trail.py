"""A project's lifecycle history and a construction plan's decisions become the service's hash-chained decision
trail (R-OVS-1, shared.trail_store). The rows of project_history and construction_plan_history are chained onto it
in the order they were decided (each keeps its old table and row id in its details; a project's rule is not known
and stays empty, a plan's is R-PLN-1), and the old tables go.

Downgrade restores both tables empty: the entries stay only in decision_trail, which it drops.

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-10
"""
import json

import sqlalchemy as sa
from alembic import op

from shared.clock import as_utc
from shared.trail import Decision
from shared.trail_store import append_in_migration, create_trail_tables_v1, drop_trail_tables_v1

revision = "0006"
down_revision = "0005"
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


def _plan_decision(row) -> Decision:
    reasons = row.reasons if not isinstance(row.reasons, str) else json.loads(row.reasons)
    return Decision(at=as_utc(row.at), department=row.department, unit=row.unit, actor=row.subject,
                    action=row.action, subject_type="CONSTRUCTION_PLAN", subject_id=row.plan_version_id,
                    project_id=row.project_id, rule="R-PLN-1", reason="; ".join(reasons) or None,
                    classified=bool(row.classified),
                    details={"version": row.version, "from_status": row.from_status, "to_status": row.to_status,
                             "reasons": reasons, "detail": row.detail,
                             "migrated_from": {"table": "construction_plan_history", "id": row.id}})


def upgrade() -> None:
    create_trail_tables_v1(op)
    columns = ("id", "action", "from_status", "to_status", "department", "unit", "subject", "detail", "project_id")
    history = sa.table("project_history", *(sa.column(name) for name in columns),
                       sa.column("at", sa.DateTime(timezone=True)), sa.column("reasons", sa.JSON))
    plan_history = sa.table("construction_plan_history", *(sa.column(name) for name in columns),
                            sa.column("plan_version_id"), sa.column("version"),
                            sa.column("at", sa.DateTime(timezone=True)), sa.column("reasons", sa.JSON))
    projects = sa.table("projects", sa.column("id"), sa.column("classified", sa.Boolean))
    bind = op.get_bind()
    project_rows = bind.execute(
        sa.select(history, projects.c.classified).join(projects, projects.c.id == history.c.project_id)
        .order_by(history.c.id)).all()
    plan_rows = bind.execute(
        sa.select(plan_history, projects.c.classified)
        .outerjoin(projects, projects.c.id == plan_history.c.project_id).order_by(plan_history.c.id)).all()
    decisions = [_decision(row) for row in project_rows] + [_plan_decision(row) for row in plan_rows]
    append_in_migration(op, sorted(decisions, key=lambda decision: decision.at))  # stable: each table's order kept
    op.drop_table("project_history")
    op.drop_index("ix_construction_plan_history_plan_version_id", "construction_plan_history")
    op.drop_table("construction_plan_history")


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
    op.create_table(
        "construction_plan_history",
        sa.Column("id", BIGINT_ID, primary_key=True, autoincrement=True),
        sa.Column("plan_version_id", sa.String(36), sa.ForeignKey("construction_plans.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("department", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100)),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("project_id", sa.String(36)),
    )
    op.create_index("ix_construction_plan_history_plan_version_id", "construction_plan_history",
                    ["plan_version_id"])
    drop_trail_tables_v1(op)
