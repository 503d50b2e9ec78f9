"""Builders shared by the secrecy tests: identities, the approval service's events, GraphQL calls and counts
(SQLite in tests/unit/secrecy, PostgreSQL in tests/integration/test_secrecy_postgres.py)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from services.secrecy.adapters import orm
from services.secrecy.app import DEFINITION
from shared.auth import PUBLIC, Department, Identity
from shared.events import Envelope, ProjectAccepted, ProjectApproved, ProjectSubmitted
from shared.graphql import RequestContext
from shared.visibility import SECRECY_CLEARANCE_ROLE
from shared import migrations

T0 = datetime(2026, 4, 1, 2, 0, tzinfo=timezone.utc)
UNIT_PATH = ("public-security-bureau", "city-government")

BUREAU = Identity(Department.SECRECY_BUREAU, unit="yiyang-secrecy-bureau", subject="secrecy:clerk-1")
UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="public-security-bureau", parent_units=("city-government",),
                subject="unit:psb")
PARENT_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="city-government", subject="unit:city")
OTHER_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau", parent_units=("city-government",),
                      subject="unit:edu")
APPROVAL = Identity(Department.APPROVAL_BUREAU, unit="yiyang-approval-bureau", subject="approval:clerk")
SUPERVISORY = Identity(Department.SUPERVISORY_COMMISSION, unit="supervisory", subject="sup:1")
CLEARED_SUPERVISORY = Identity(Department.SUPERVISORY_COMMISSION, unit="supervisory", subject="sup:2",
                               roles=(SECRECY_CLEARANCE_ROLE,))
ANONYMOUS = PUBLIC

SCHEMA = DEFINITION.schema_factory()


def wrap(payload, at: datetime | None = None) -> Envelope:
    envelope = Envelope.wrap(payload, source="approval", subject=payload.project_id)
    return envelope.model_copy(update={"time": at}) if at else envelope


def submitted(project_id: str, *, declared_classified: bool, at: datetime = T0) -> Envelope:
    return wrap(ProjectSubmitted(project_id=project_id, code="CITY-2026-0007", unit_id=UNIT_PATH[0],
                                 unit_path=list(UNIT_PATH), jurisdiction="CITY", kind="APPLICATION_SYSTEM_NEW",
                                 investment_estimate=3_000_000_00, declared_classified=declared_classified), at)


def approved(project_id: str, *, classified: bool, at: datetime = T0 + timedelta(days=5)) -> Envelope:
    return wrap(ProjectApproved(project_id=project_id, code="CITY-2026-0007", name=None if classified else "n",
                                unit_id=UNIT_PATH[0], unit_path=list(UNIT_PATH), jurisdiction="CITY",
                                kind="APPLICATION_SYSTEM_NEW", investment_estimate=3_000_000_00,
                                fund_sources=[{"source": "FISCAL", "amount": 3_000_000_00}], classified=classified,
                                approved_at=at), at)


def accepted(project_id: str, *, classified: bool, at: datetime = T0 + timedelta(days=300)) -> Envelope:
    return wrap(ProjectAccepted(project_id=project_id, code="CITY-2026-0007", unit_id=UNIT_PATH[0],
                                unit_path=list(UNIT_PATH), jurisdiction="CITY", kind="APPLICATION_SYSTEM_NEW",
                                investment=3_000_000_00, approved_budget=2_900_000_00, contract_sum=2_800_000_00,
                                self_funded=False, classified=classified, accepted_at=at), at)


def redelivered(envelope: Envelope) -> Envelope:
    """The same event as it comes off the wire a second time: same id."""
    return Envelope.from_bytes(envelope.to_bytes())


async def gql(runtime, query: str, identity: Identity = BUREAU, **variables):
    return await SCHEMA.execute(query, variable_values=variables,
                                context_value=RequestContext(identity=identity, runtime=runtime))


async def mutate(runtime, query: str, identity: Identity = BUREAU, **variables) -> dict:
    """Run a one-field mutation and return its payload; fails the test on a GraphQL error."""
    result = await gql(runtime, query, identity, **variables)
    assert result.errors is None, result.errors
    return next(iter(result.data.values()))


PROJECT_QUERY = """
query($p: _Any!) {
  _entities(representations: [$p]) {
    ... on Project {
      classification { projectId declaredClassified classified level status decidedAt
                       history { action department actor reasons } }
      secrecyReview { id status opinion reasons }
      preUseReview { id status reasons latestEvaluationId
                     evaluations { id evaluator reportNumber evaluatedOn conclusion findings } }
    }
  }
}"""


async def project(runtime, project_id: str, identity: Identity = BUREAU) -> dict:
    result = await gql(runtime, PROJECT_QUERY, identity, p={"__typename": "Project", "id": project_id})
    assert result.errors is None, result.errors
    return result.data["_entities"][0]


CONFIRM = """mutation($p: ID!, $l: SecrecyLevel!, $r: String) {
  confirmClassification(projectId: $p, level: $l, reason: $r) {
    classification { classified level status } userErrors { code field message } } }"""
DECLASSIFY = """mutation($p: ID!, $r: String!) {
  declassifyProject(projectId: $p, reason: $r) {
    classification { classified level status } userErrors { code field message } } }"""
PASS = """mutation($p: ID!, $o: String!) {
  passSecrecyReview(projectId: $p, opinion: $o) {
    secrecyReview { id status opinion reasons } userErrors { code field message } } }"""
FAIL = """mutation($p: ID!, $r: [String!]!) {
  failSecrecyReview(projectId: $p, reasons: $r) {
    secrecyReview { id status opinion reasons } userErrors { code field message } } }"""
REOPEN = """mutation($p: ID!) {
  reopenSecrecyReview(projectId: $p) {
    secrecyReview { id status opinion reasons } userErrors { code field message } } }"""
REGISTER = """mutation($i: VendorQualificationInput!) {
  registerVendorQualification(input: $i) {
    vendorQualification { vendorId vendorName certificateNumber grade scopes validFrom validUntil revokedOn
                          revocationReason history { action reasons } }
    userErrors { code field message } } }"""
REVOKE = """mutation($v: ID!, $r: String!, $d: Date!) {
  revokeVendorQualification(vendorId: $v, reason: $r, effectiveOn: $d) {
    vendorQualification { vendorId revokedOn revocationReason } userErrors { code field message } } }"""
EVALUATE = """mutation($p: ID!, $i: GradedProtectionEvaluationInput!) {
  recordGradedProtectionEvaluation(projectId: $p, input: $i) {
    preUseReview { id status latestEvaluationId evaluations { id conclusion findings } }
    userErrors { code field message } } }"""
APPROVE_USE = """mutation($p: ID!) {
  approvePreUse(projectId: $p) { preUseReview { status latestEvaluationId } userErrors { code field message } } }"""
REFUSE_USE = """mutation($p: ID!, $r: [String!]!) {
  refusePreUse(projectId: $p, reasons: $r) { preUseReview { status reasons } userErrors { code field message } } }"""
CHECK = """query($v: ID!, $d: Date!, $s: QualificationScope!) {
  vendorQualificationCheck(vendorId: $v, on: $d, scope: $s) { qualified reason } }"""


def vendor_input(vendor_id="91430900MA4L000001", **changes) -> dict:
    values = {"vendorId": vendor_id, "vendorName": "Hunan Secure Systems Co.", "certificateNumber": "JC-2025-0042",
              "grade": "A", "scopes": ["OVERALL_INTEGRATION", "SOFTWARE_DEVELOPMENT"],
              "validFrom": "2025-01-01", "validUntil": "2027-12-31"}
    values.update(changes)
    return values


def evaluation_input(conclusion="PASSED", evaluated_on: date = date(2026, 1, 10), **changes) -> dict:
    values = {"evaluator": "Hunan Classified Systems Evaluation Center", "reportNumber": "FB-2026-011",
              "evaluatedOn": evaluated_on.isoformat(), "conclusion": conclusion,
              "findings": [] if conclusion == "PASSED" else ["audit log not retained for 6 months"]}
    values.update(changes)
    return values


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


WRITABLE_TABLES = (orm.classifications, orm.secrecy_reviews, orm.pre_use_reviews, orm.evaluations,
                   orm.vendor_qualifications, orm.trail.entries, orm.trail.head, orm.outbox)


async def snapshot(runtime) -> dict:
    """Every row a command could write: to show that a refused or forbidden one wrote nothing."""
    found = {}
    async with runtime.sessions() as session:
        for table in WRITABLE_TABLES:
            rows = (await session.execute(select(table))).mappings().all()
            found[table.name] = sorted(repr(dict(row)) for row in rows)
    return found


async def downgrade(runtime, revision: str) -> None:
    await migrations.downgrade(DEFINITION.migrations, runtime.engine, revision)


async def table_names(runtime) -> set[str]:
    from sqlalchemy import inspect

    async with runtime.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def column_names(runtime, table: str) -> set[str]:
    from sqlalchemy import inspect

    async with runtime.engine.connect() as connection:
        return {c["name"] for c in await connection.run_sync(lambda sync: inspect(sync).get_columns(table))}
