"""Finance's two hash chains (the budget-review decisions and the money trail) become one: the decision trail every
service shares (shared.trail_store). Their rows are chained onto it in the order they were taken (by time, then as
written), each keeping its old id and hash in its details; the old tables go, and so do the chain heads the ledgers
plans and asset registrations kept (the trail has its own head row now).

Downgrade restores the old tables empty and the head columns null: the entries stay only in decision_trail, which it
drops.

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-10
"""
import sqlalchemy as sa
from alembic import op

from shared.clock import as_utc
from shared.trail import Decision, projects_named
from shared.trail_store import append_in_migration, create_trail_tables_v1, drop_trail_tables_v1

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
# The old chains of a project ("project:<id>", "assets:<id>") and the subject type their entries now have; any other
# chain is a special-fund plan's ("<jurisdiction>:<year>").
CHAIN_SUBJECTS = {"project": "PROJECT", "assets": "ASSET_REGISTRATION"}
WHO = ("department", "unit", "subject", "reason", "entry_hash", "id", "action")


def _classified() -> dict[str, bool]:
    """Finance's view of each project, as the service reads it: the Secrecy Bureau's latest decision, else the review
    opinion's flag, else the unit's declaration (R-SEC-2)."""
    projects = sa.table("finance_projects", sa.column("id"), sa.column("classified", sa.Boolean))
    secrecy = sa.table("finance_secrecy_status", sa.column("project_id"), sa.column("classified", sa.Boolean))
    reviews = sa.table("budget_reviews", sa.column("project_id"), sa.column("opinion_classified", sa.Boolean))
    rows = op.get_bind().execute(
        sa.select(projects.c.id, sa.func.coalesce(secrecy.c.classified, reviews.c.opinion_classified,
                                                  projects.c.classified))
        .outerjoin(secrecy, secrecy.c.project_id == projects.c.id)
        .outerjoin(reviews, reviews.c.project_id == projects.c.id)).all()
    return {project_id: bool(classified) for project_id, classified in rows}


def _old_rows(name: str, *columns: str) -> list:
    table = sa.table(name, *(sa.column(c) for c in (*WHO, *columns)), sa.column("at", sa.DateTime(timezone=True)),
                     sa.column("detail", sa.JSON))
    return op.get_bind().execute(sa.select(table).order_by(table.c.id)).all()


def _decision(row, subject_type: str, subject_id: str, project_id: str | None, classified: bool,
              details: dict) -> Decision:
    return Decision(at=as_utc(row.at), department=row.department, unit=row.unit, actor=row.subject,
                    action=row.action, subject_type=subject_type, subject_id=subject_id, project_id=project_id,
                    reason=row.reason, classified=classified, details=details)


def upgrade() -> None:
    create_trail_tables_v1(op)
    classified = _classified()
    taken = []  # (at, source, id, decision)
    for row in _old_rows("budget_review_decisions", "case_id", "project_id", "from_status", "to_status"):
        taken.append((as_utc(row.at), 0, row.id, _decision(
            row, "BUDGET_REVIEW", row.case_id, row.project_id, classified.get(row.project_id, False),
            {"detail": row.detail, "from_status": row.from_status, "to_status": row.to_status, "migrated_from": {
                "table": "budget_review_decisions", "id": row.id, "entry_hash": row.entry_hash}})))
    for row in _old_rows("finance_trail", "chain"):
        kind, _, rest = row.chain.partition(":")
        project_id = rest if kind in CHAIN_SUBJECTS else None
        taken.append((as_utc(row.at), 1, row.id, _decision(
            row, CHAIN_SUBJECTS.get(kind, "SPECIAL_FUND_PLAN"), rest, project_id,
            any(classified.get(named, False) for named in projects_named(project_id, row.detail)),
            {**row.detail, "migrated_from": {"table": "finance_trail", "id": row.id, "entry_hash": row.entry_hash}})))
    append_in_migration(op, [decision for *_order, decision in sorted(taken, key=lambda t: t[:3])])
    op.drop_index("ix_finance_trail_chain", table_name="finance_trail")
    op.drop_table("finance_trail")
    op.drop_index("ix_budget_review_decisions_project_id", table_name="budget_review_decisions")
    op.drop_index("ix_budget_review_decisions_case_id", table_name="budget_review_decisions")
    op.drop_table("budget_review_decisions")
    for table in ("finance_ledgers", "special_fund_plans", "asset_registrations"):
        with op.batch_alter_table(table) as batch:  # SQLite rebuilds the table
            batch.drop_column("trail_hash")


def _who_columns() -> list:
    return [sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("action", sa.String(60), nullable=False),
            sa.Column("department", sa.String(40), nullable=False),
            sa.Column("unit", sa.String(100), nullable=True),
            sa.Column("subject", sa.String(200), nullable=False),
            sa.Column("detail", sa.JSON, nullable=False),
            sa.Column("reason", sa.Text, nullable=True),
            sa.Column("previous_hash", sa.String(64), nullable=True),
            sa.Column("entry_hash", sa.String(64), nullable=False)]


def downgrade() -> None:
    for table in ("finance_ledgers", "special_fund_plans", "asset_registrations"):
        op.add_column(table, sa.Column("trail_hash", sa.String(64), nullable=True))
    op.create_table(
        "budget_review_decisions",
        sa.Column("id", BIGINT_ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("budget_reviews.id", ondelete="CASCADE"), nullable=False),
        sa.Column("project_id", sa.String(36), nullable=False),
        sa.Column("from_status", sa.String(40), nullable=True),
        sa.Column("to_status", sa.String(40), nullable=False),
        *_who_columns(),
    )
    op.create_index("ix_budget_review_decisions_case_id", "budget_review_decisions", ["case_id"])
    op.create_index("ix_budget_review_decisions_project_id", "budget_review_decisions", ["project_id"])
    op.create_table(
        "finance_trail",
        sa.Column("id", BIGINT_ID, primary_key=True, autoincrement=True),
        sa.Column("chain", sa.String(80), nullable=False),
        *_who_columns(),
    )
    op.create_index("ix_finance_trail_chain", "finance_trail", ["chain"])
    drop_trail_tables_v1(op)
