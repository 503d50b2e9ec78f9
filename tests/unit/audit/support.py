"""Builders shared by the audit tests: identities, other bureaus' events, GraphQL calls, snapshots
(SQLite in tests/unit/audit, PostgreSQL in tests/integration/test_audit_postgres.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, inspect, select

from services.audit.adapters import orm
from services.audit.app import DEFINITION
from services.audit.domain.sampling.commitment import seed_commitment
from shared.auth import PUBLIC, Department, Identity
from shared.clock import budget_year, utc_now
from shared.events import ClassificationConfirmed, Envelope, ProjectAccepted, ProjectApproved, SettlementReviewed
from shared.graphql import RequestContext
from shared.migrations import current_revision, head_revision, upgrade
from shared.visibility import SECRECY_CLEARANCE_ROLE
from shared import migrations

YEAR = budget_year(utc_now())
ACCEPTED = datetime(YEAR, 3, 1, 2, 0, tzinfo=timezone.utc)
APPROVED = datetime(YEAR - 1, 5, 1, 2, 0, tzinfo=timezone.utc)
MILLION_YUAN = 1_000_000_00  # in fen
SEED = "7182818284590452353602874713526624977572"  # a die-rolled secret, 40 digits

BUREAU = Identity(Department.AUDIT_BUREAU, unit="yiyang-audit-bureau", subject="audit:clerk-1")
UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="health-commission", parent_units=("city-government",),
                subject="unit:health")
OTHER_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau", parent_units=("city-government",),
                      subject="unit:edu")
SUPERVISORY = Identity(Department.SUPERVISORY_COMMISSION, unit="supervisory", subject="sup:1")
CLEARED_SUPERVISORY = Identity(Department.SUPERVISORY_COMMISSION, unit="supervisory", subject="sup:2",
                               roles=(SECRECY_CLEARANCE_ROLE,))
FINANCE = Identity(Department.FINANCE_BUREAU, unit="finance", subject="fin:1")
ANONYMOUS = PUBLIC
OTHER_DEPARTMENTS = [
    UNIT, FINANCE, SUPERVISORY, CLEARED_SUPERVISORY,
    Identity(Department.APPROVAL_BUREAU, unit="approval"), Identity(Department.SECRECY_BUREAU, unit="secrecy"),
    Identity(Department.LEADING_GROUP, unit="leading-group"), Identity(Department.BIG_DATA_CENTER, unit="bdc"),
]

SCHEMA = DEFINITION.schema_factory()
ROOT = Path(__file__).parents[3]


def wrap(payload, source: str = "approval") -> Envelope:
    return Envelope.wrap(payload, source=source, subject=getattr(payload, "project_id", None))


def approved(project_id: str, investment: int, *, unit: str = "health-commission", kind: str = "IT_MAINTENANCE",
             jurisdiction: str = "CITY", classified: bool = False) -> Envelope:
    return wrap(ProjectApproved(project_id=project_id, code=f"{jurisdiction}-{YEAR - 1}-{project_id[-4:]}",
                                name=None if classified else f"project {project_id}", unit_id=unit,
                                unit_path=[unit, "city-government"], jurisdiction=jurisdiction, kind=kind,
                                investment_estimate=investment, fund_sources=[], classified=classified,
                                approved_at=APPROVED))


def accepted(project_id: str, investment: int, *, unit: str = "health-commission", kind: str = "IT_MAINTENANCE",
             jurisdiction: str = "CITY", classified: bool = False, at: datetime = ACCEPTED) -> Envelope:
    return wrap(ProjectAccepted(project_id=project_id, code=f"{jurisdiction}-{YEAR - 1}-{project_id[-4:]}",
                                unit_id=unit, unit_path=[unit, "city-government"], jurisdiction=jurisdiction,
                                kind=kind, investment=investment, approved_budget=investment,
                                contract_sum=investment, self_funded=False, classified=classified, accepted_at=at))


def settlement(project_id: str, amount: int, at: datetime = ACCEPTED) -> Envelope:
    return wrap(SettlementReviewed(project_id=project_id, settlement_amount=amount, reviewed_at=at), "finance")


def classification(project_id: str, classified: bool, at: datetime = ACCEPTED) -> Envelope:
    return wrap(ClassificationConfirmed(project_id=project_id, classified=classified,
                                        level="SECRET" if classified else None, decided_at=at), "secrecy")


def redelivered(envelope: Envelope) -> Envelope:
    return Envelope.from_bytes(envelope.to_bytes())


async def accept_projects(runtime, projects: dict[str, int], **facts) -> None:
    """Projects approved and accepted this year: {project id: investment in fen}."""
    for project_id, investment in projects.items():
        await runtime.consumer(approved(project_id, investment, **facts))
        await runtime.consumer(accepted(project_id, investment, **facts))


async def gql(runtime, query: str, identity: Identity = BUREAU, **variables):
    return await SCHEMA.execute(query, variable_values=variables,
                                context_value=RequestContext(identity=identity, runtime=runtime))


async def mutate(runtime, query: str, identity: Identity = BUREAU, **variables) -> dict:
    result = await gql(runtime, query, identity, **variables)
    assert result.errors is None, result.errors
    return next(iter(result.data.values()))


PLAN_FIELDS = """id jurisdiction year status seed selectionDigest document
  commitment { kind seedCommitment randomnessSource proportion method stratifyBy frameDigest frameCount frameAmount
               certaintyThreshold digest }
  entries { projectId code amount reason inPlan }
  report { population { count amount } certainty { count amount } classifiedInFull { count amount }
           frame { count amount } selected { count amount } inPlan { count amount } balanced
           strata { key frame { count amount } sampleSize selected { count amount } } }"""
COMMIT = f"""mutation($i: CommitAuditDrawInput!) {{
  commitAuditDraw(input: $i) {{ auditPlan {{ {PLAN_FIELDS} }} userErrors {{ code field message }} }} }}"""
REVEAL = f"""mutation($p: ID!, $s: String!, $r: String) {{
  revealAuditDraw(planId: $p, seed: $s, randomnessSource: $r) {{
    auditPlan {{ {PLAN_FIELDS} }} userErrors {{ code field message }} }} }}"""
PLAN = f"""query($j: String!, $y: Int!) {{ auditPlan(jurisdiction: $j, year: $y) {{ {PLAN_FIELDS} }} }}"""
ENGAGEMENT_FIELDS = "id planId projectId year status conclusion findings { id violationType amount summary evidence }"
OPEN = f"""mutation($p: ID!) {{ openAuditEngagement(projectId: $p) {{
  engagement {{ {ENGAGEMENT_FIELDS} }} userErrors {{ code field message }} }} }}"""
FIELDWORK = f"""mutation($e: ID!) {{ startAuditFieldwork(engagementId: $e) {{
  engagement {{ {ENGAGEMENT_FIELDS} }} userErrors {{ code field message }} }} }}"""
FINDING = f"""mutation($e: ID!, $i: AuditFindingInput!) {{ publishAuditFinding(engagementId: $e, input: $i) {{
  finding {{ id violationType amount summary evidence }} engagement {{ {ENGAGEMENT_FIELDS} }}
  userErrors {{ code field message }} }} }}"""
CLOSE = f"""mutation($e: ID!, $c: String!) {{ closeAuditEngagement(engagementId: $e, conclusion: $c) {{
  engagement {{ {ENGAGEMENT_FIELDS} }} userErrors {{ code field message }} }} }}"""
PROJECT = """query($p: _Any!) { _entities(representations: [$p]) { ... on Project {
  auditRegister { investment settlementAmount inCertaintyScope acceptedAt }
  audit { year planId drawId inPlan reason engagementStatus
          engagement { id status } findings { violationType amount summary evidence } } } } }"""
TRAIL = """query($a: Int!) { auditTrail(after: $a, first: 1000) {
  seq classified withheld content at action actor reason rule subjectType projectId contentDigest previousHash
  entryHash } }"""
VERIFY_TRAIL = "{ auditTrailVerification { entries intact firstBrokenSeq problem headSeq headHash } }"


def commit_input(**changes) -> dict:
    values = {"jurisdiction": "CITY", "year": YEAR, "proportion": "0.5", "method": "SRS", "stratifyBy": "NONE",
              "seedCommitment": seed_commitment(SEED)}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def finding_input(**changes) -> dict:
    values = {"violationType": "MISAPPROPRIATION", "amount": 1_200_000_00,
              "summary": "special funds paid for an unrelated office fit-out",
              "evidence": ["working paper WP-07", "voucher 2026-0412"]}
    values.update(changes)
    return values


async def project(runtime, project_id: str, identity: Identity = BUREAU) -> dict:
    result = await gql(runtime, PROJECT, identity, p={"__typename": "Project", "id": project_id})
    assert result.errors is None, result.errors
    return result.data["_entities"][0]


async def committed_and_drawn(runtime, **changes) -> dict:
    plan = (await mutate(runtime, COMMIT, i=commit_input(**changes)))["auditPlan"]
    drawn = await mutate(runtime, REVEAL, p=plan["id"], s=SEED)
    assert drawn["userErrors"] == [], drawn["userErrors"]
    return drawn["auditPlan"]


async def count(runtime, table, *where) -> int:
    async with runtime.sessions() as session:
        return (await session.execute(select(func.count()).select_from(table).where(*where))).scalar_one()


async def outbox_events(runtime, event_type: str | None = None) -> list[Envelope]:
    query = select(runtime.outbox.c.envelope).order_by(runtime.outbox.c.seq)
    if event_type is not None:
        query = query.where(runtime.outbox.c.type == event_type)
    async with runtime.sessions() as session:
        rows = (await session.execute(query)).scalars().all()
    return [Envelope.model_validate(row) for row in rows]


WRITABLE_TABLES = (orm.plans, orm.population, orm.engagements, orm.findings, orm.trail.entries, orm.trail.head,
                   orm.outbox)


async def snapshot(runtime) -> dict:
    """Every row a command could write: to show that a refused or forbidden one wrote nothing."""
    found = {}
    async with runtime.sessions() as session:
        for table in WRITABLE_TABLES:
            rows = (await session.execute(select(table))).mappings().all()
            found[table.name] = sorted(repr(dict(row)) for row in rows)
    return found


def document_of(plan: dict) -> dict:
    return json.loads(plan["document"])


def egov(*arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The `egov` command line in a fresh process, from the project root, without the caller's DATABASE_URL."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | (env or {})
    return subprocess.run([sys.executable, "-m", "egov.cli", *arguments], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=environment)


async def table_names(runtime) -> set[str]:
    async with runtime.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def column_names(runtime, table: str) -> set[str]:
    async with runtime.engine.connect() as connection:
        return {c["name"] for c in await connection.run_sync(lambda sync: inspect(sync).get_columns(table))}


async def downgrade(runtime, revision: str) -> None:
    await migrations.downgrade(DEFINITION.migrations, runtime.engine, revision)


async def migrate_down_and_up(runtime) -> None:
    """Migration 0002 at head matches the tables the code uses; down to 0001 and up again keeps the register."""
    assert await current_revision(runtime.engine) == head_revision(DEFINITION.migrations)
    assert set(orm.metadata.tables) <= await table_names(runtime)
    for table in orm.metadata.tables.values():
        assert set(table.c.keys()) == await column_names(runtime, table.name), table.name
    await accept_projects(runtime, {"p-0001": MILLION_YUAN})
    await downgrade(runtime, "0001")
    assert "audit_plans" not in await table_names(runtime) and "decision_trail" not in await table_names(runtime)
    await upgrade(DEFINITION.migrations, runtime.engine)
    assert await current_revision(runtime.engine) == head_revision(DEFINITION.migrations)
    assert (await project(runtime, "p-0001"))["auditRegister"]["investment"] == MILLION_YUAN
