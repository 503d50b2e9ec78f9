"""Classification decisions, secrecy reviews, graded-protection evaluations and the review before use, the vendor
qualification register, and the hash-chained decision history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
NEW_CLASSIFICATION_COLUMNS = ("decided_at", "approved_at", "accepted_at", "version")


def upgrade() -> None:
    # ADD COLUMN works in place on both SQLite and PostgreSQL; the NOT NULL column carries a default for old rows.
    op.add_column("secrecy_classifications", sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("secrecy_classifications", sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("secrecy_classifications", sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("secrecy_classifications",
                  sa.Column("version", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "secrecy_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("secrecy_classifications.project_id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("opinion", sa.Text),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("project_id", name="uq_secrecy_reviews_project_id"),
    )
    op.create_index("ix_secrecy_reviews_status", "secrecy_reviews", ["status"])
    op.create_table(
        "secrecy_pre_use_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("secrecy_classifications.project_id"), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("latest_evaluation_id", sa.String(36)),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("project_id", name="uq_secrecy_pre_use_reviews_project_id"),
    )
    op.create_index("ix_secrecy_pre_use_reviews_status", "secrecy_pre_use_reviews", ["status"])
    op.create_table(
        "secrecy_evaluations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("pre_use_review_id", sa.String(36), sa.ForeignKey("secrecy_pre_use_reviews.id"), nullable=False),
        sa.Column("project_id", sa.String(36), nullable=False),
        sa.Column("evaluator", sa.String(200), nullable=False),
        sa.Column("report_number", sa.String(100), nullable=False),
        sa.Column("evaluated_on", sa.Date, nullable=False),
        sa.Column("conclusion", sa.String(10), nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_secrecy_evaluations_pre_use_review_id", "secrecy_evaluations", ["pre_use_review_id"])
    op.create_index("ix_secrecy_evaluations_project_id", "secrecy_evaluations", ["project_id"])
    op.create_table(
        "secrecy_vendor_qualifications",
        sa.Column("vendor_id", sa.String(64), primary_key=True),
        sa.Column("vendor_name", sa.Text, nullable=False),
        sa.Column("certificate_number", sa.String(100), nullable=False),
        sa.Column("grade", sa.String(2), nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("revoked_on", sa.Date),
        sa.Column("revocation_reason", sa.Text),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
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


def downgrade() -> None:
    op.drop_index("ix_secrecy_decisions_subject", table_name="secrecy_decisions")
    op.drop_table("secrecy_decisions")
    op.drop_table("secrecy_vendor_qualifications")
    op.drop_index("ix_secrecy_evaluations_project_id", table_name="secrecy_evaluations")
    op.drop_index("ix_secrecy_evaluations_pre_use_review_id", table_name="secrecy_evaluations")
    op.drop_table("secrecy_evaluations")
    op.drop_index("ix_secrecy_pre_use_reviews_status", table_name="secrecy_pre_use_reviews")
    op.drop_table("secrecy_pre_use_reviews")
    op.drop_index("ix_secrecy_reviews_status", table_name="secrecy_reviews")
    op.drop_table("secrecy_reviews")
    # SQLite cannot always drop columns in place: batch mode copies the table there, PostgreSQL alters it.
    with op.batch_alter_table("secrecy_classifications") as batch:
        for column in reversed(NEW_CLASSIFICATION_COLUMNS):
            batch.drop_column(column)
