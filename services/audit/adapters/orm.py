"""The audit service's tables: the project register and the facts other bureaus report (fed by events), the annual
plans with their frozen populations, engagements and findings, and the audit trail."""
from __future__ import annotations

from sqlalchemy import (
    func,
    select,
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shared.outbox import messaging_tables
from shared.trail_store import trail_tables

metadata = MetaData()

register = Table(
    "audit_project_register",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("unit_id", String(100), nullable=False, index=True),
    Column("unit_path", JSON, nullable=False),
    Column("jurisdiction", String(20), nullable=False, index=True),
    Column("kind", String(60), nullable=False),
    Column("investment", BigInteger, nullable=False),
    Column("classified", Boolean, nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
    Column("accepted_at", DateTime(timezone=True)),
)

# Facts from Finance and the Secrecy Bureau, kept even when they arrive before the approval service's events.
settlements = Table(
    "audit_settlements",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("settlement_amount", BigInteger, nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
)

classifications = Table(
    "audit_classifications",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("classified", Boolean, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

# R-PUB-1: the Approval Bureau's latest decision to withhold a project from publication (or to release it), fed by
# its events: the plan membership the public sees is shown only for a project that is published.
publicity = Table(
    "audit_publicity",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("withheld", Boolean, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

# The register as readers see it. Finance's settlement and the Secrecy Bureau's classification are read from their
# own fact rows, not copied onto the register row: a copy made while the register row was being created in another
# transaction would be lost (neither transaction sees the other's uncommitted row).
register_entries = (
    select(*(column for column in register.c if column.name != "classified"),
           func.coalesce(classifications.c.classified, register.c.classified).label("classified"),
           settlements.c.settlement_amount)
    .select_from(register
                 .outerjoin(classifications, classifications.c.project_id == register.c.project_id)
                 .outerjoin(settlements, settlements.c.project_id == register.c.project_id))
    .subquery("audit_register_entries")
)

plans = Table(
    "audit_plans",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("jurisdiction", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("commitment", JSON, nullable=False),  # the published commitment document, as committed
    Column("commitment_digest", String(64), nullable=False),
    Column("committed_at", DateTime(timezone=True), nullable=False),
    Column("seed", Text),
    Column("randomness_source", Text),
    Column("drawn_at", DateTime(timezone=True)),
    Column("selection_digest", String(64)),
    Column("selected_count", Integer),
    Column("selected_amount", BigInteger),
    Column("version", Integer, nullable=False),
    # R-AUD-2: one draw per jurisdiction and year.
    UniqueConstraint("jurisdiction", "year", name="uq_audit_plans_jurisdiction_year"),
)

population = Table(
    "audit_plan_population",
    metadata,
    Column("plan_id", String(36), ForeignKey("audit_plans.id"), nullable=False, index=True),
    # A project belongs to one year's population only.
    Column("project_id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("unit_id", String(100), nullable=False),
    Column("unit_path", JSON, nullable=False),
    Column("kind", String(60), nullable=False),
    Column("classified", Boolean, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("role", String(20), nullable=False),
    Column("in_plan", Boolean),
)

engagements = Table(
    "audit_engagements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("plan_id", String(36), ForeignKey("audit_plans.id"), nullable=False),
    Column("project_id", String(36), nullable=False, unique=True),
    Column("year", Integer, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("classified", Boolean, nullable=False),
    Column("unit_path", JSON, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("fieldwork_started_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("conclusion", Text),
    Column("version", Integer, nullable=False),
)

findings = Table(
    "audit_findings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("engagement_id", String(36), ForeignKey("audit_engagements.id"), nullable=False, index=True),
    Column("project_id", String(36), nullable=False, index=True),
    Column("violation_type", String(30), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("summary", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

# R-OVS-1: the decision trail, one hash chain for all of the bureau's decisions (shared.trail_store).
trail = trail_tables(metadata)

outbox, inbox = messaging_tables(metadata)
