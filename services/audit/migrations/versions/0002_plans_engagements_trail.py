"""The annual audit plans with their frozen populations and draws, engagements and findings, the facts Finance and
the Secrecy Bureau report, and the hash-chained audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-10
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_settlements",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("settlement_amount", sa.BigInteger, nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_classifications",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_plans",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("jurisdiction", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("commitment", sa.JSON, nullable=False),
        sa.Column("commitment_digest", sa.String(64), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seed", sa.Text),
        sa.Column("randomness_source", sa.Text),
        sa.Column("drawn_at", sa.DateTime(timezone=True)),
        sa.Column("selection_digest", sa.String(64)),
        sa.Column("selected_count", sa.Integer),
        sa.Column("selected_amount", sa.BigInteger),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("jurisdiction", "year", name="uq_audit_plans_jurisdiction_year"),
    )
    op.create_table(
        "audit_plan_population",
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("audit_plans.id"), nullable=False),
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("unit_path", sa.JSON, nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("in_plan", sa.Boolean),
    )
    op.create_index("ix_audit_plan_population_plan_id", "audit_plan_population", ["plan_id"])
    op.create_table(
        "audit_engagements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("audit_plans.id"), nullable=False),
        sa.Column("project_id", sa.String(36), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("unit_path", sa.JSON, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fieldwork_started_at", sa.DateTime(timezone=True)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("conclusion", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("project_id", name="uq_audit_engagements_project_id"),
    )
    op.create_index("ix_audit_engagements_status", "audit_engagements", ["status"])
    op.create_table(
        "audit_findings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("engagement_id", sa.String(36), sa.ForeignKey("audit_engagements.id"), nullable=False),
        sa.Column("project_id", sa.String(36), nullable=False),
        sa.Column("violation_type", sa.String(30), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_audit_findings_engagement_id", "audit_findings", ["engagement_id"])
    op.create_index("ix_audit_findings_project_id", "audit_findings", ["project_id"])
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


def downgrade() -> None:
    op.drop_index("ix_audit_trail_project", table_name="audit_trail")
    op.drop_index("ix_audit_trail_subject", table_name="audit_trail")
    op.drop_table("audit_trail")
    op.drop_index("ix_audit_findings_project_id", table_name="audit_findings")
    op.drop_index("ix_audit_findings_engagement_id", table_name="audit_findings")
    op.drop_table("audit_findings")
    op.drop_index("ix_audit_engagements_status", table_name="audit_engagements")
    op.drop_table("audit_engagements")
    op.drop_index("ix_audit_plan_population_plan_id", table_name="audit_plan_population")
    op.drop_table("audit_plan_population")
    op.drop_table("audit_plans")
    op.drop_table("audit_classifications")
    op.drop_table("audit_settlements")
