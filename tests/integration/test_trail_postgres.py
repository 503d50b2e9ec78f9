"""R-OVS-1 on the real PostgreSQL: decisions committed at once never fork the chain nor fail; and in every service's
own database, a row altered, relinked or deleted by SQL behind the service's back is named, at its entry, by
`egov trail verify --service S` and by the service's `<service>TrailVerification`."""
import asyncio
from datetime import datetime, timezone

import asyncpg
import pytest
from sqlalchemy import MetaData

from egov.registry import SERVICES
from services.approval.handlers import create_project
from shared.auth import Department, Identity
from shared.db import create_engine, create_session_factory
from shared.graphql import RequestContext
from shared.trail import GENESIS, Decision
from shared.trail_store import DecisionTrail, trail_tables
from tests.unit.approval.builders import UNIT, draft
from tests.unit.audit import support as audit
from tests.unit.audit.support import egov
from tests.unit.finance import support as finance
from tests.unit.secrecy import support as secrecy

pytestmark = pytest.mark.integration

SUPERVISORY = Identity(Department.SUPERVISORY_COMMISSION, unit="supervisory", subject="sup:1")


def decision(i: int) -> Decision:
    return Decision(at=datetime(2026, 5, 1, tzinfo=timezone.utc), department="FINANCE_BUREAU", unit="finance",
                    actor=f"clerk-{i}", action="MAKE_PAYMENT", subject_type="PROJECT", subject_id=f"p-{i % 7}",
                    project_id=f"p-{i % 7}", rule="R-FIN-1", details={"n": i})


@pytest.fixture
async def bare_trail(postgres):
    """A trail's two tables alone in a database of their own: (tables, sessions)."""
    engine = create_engine(await postgres.create("trail"))
    metadata = MetaData()
    tables = trail_tables(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(tables.head.insert().values(id=1, seq=0, entry_hash=GENESIS))
    yield tables, create_session_factory(engine)
    await engine.dispose()


async def test_R_OVS_1_decisions_committed_at_once_chain_one_after_another_none_fails(bare_trail):
    tables, sessions = bare_trail

    async def decide(i: int) -> None:
        async with sessions() as session, session.begin():
            await DecisionTrail(tables, session).append(decision(i), decision(i + 1000))  # two in one transaction

    await asyncio.gather(*(decide(i) for i in range(60)))  # no exception: none failed
    async with sessions() as session:
        trail = DecisionTrail(tables, session)
        report = await trail.verify()
        entries = await trail.entries()
    assert report.intact and report.checked == 120 and report.head_seq == 120
    pairs = [entries[k].decision()["details"]["n"] for k in range(0, 120)]
    assert all(pairs[k + 1] == pairs[k] + 1000 for k in range(0, 120, 2))  # a transaction's entries adjoin
    assert len({e.previous_hash for e in entries}) == 120  # one successor per entry: no fork


async def test_R_OVS_1_the_head_is_locked_only_as_a_decision_commits_not_while_it_is_being_taken(bare_trail):
    """Every decision of a service passes the trail's one head row: a transaction that has put a decision on the
    trail and is still deciding holds no lock on it, so another decision commits meanwhile; the first then chains
    after it."""
    tables, sessions = bare_trail
    async with sessions() as slow:
        await slow.begin()
        await DecisionTrail(tables, slow).append(decision(1))
        async with sessions() as quick, quick.begin():  # would wait for `slow` if it held the head
            await asyncio.wait_for(DecisionTrail(tables, quick).append(decision(2)), 5)
        await asyncio.wait_for(slow.commit(), 5)
    async with sessions() as session:
        trail = DecisionTrail(tables, session)
        entries, report = await trail.entries(), await trail.verify()
    assert [e.decision()["details"]["n"] for e in entries] == [2, 1] and report.intact


async def _approval(runtime) -> None:
    for _ in range(3):
        await create_project(runtime.uow, draft(), UNIT)


async def _finance(runtime) -> None:
    for project_id in ("p-1", "p-2", "p-3"):
        await runtime.consumer(finance.approved(project_id))


async def _audit(runtime) -> None:
    await audit.accept_projects(runtime, {"p-0001": audit.MILLION_YUAN, "p-0002": 2 * audit.MILLION_YUAN,
                                          "p-0003": 30 * audit.MILLION_YUAN})
    plan = (await audit.mutate(runtime, audit.COMMIT, i=audit.commit_input()))["auditPlan"]
    await audit.mutate(runtime, audit.REVEAL, p=plan["id"], s=audit.SEED)
    await audit.mutate(runtime, audit.OPEN, p="p-0003")


async def _secrecy(runtime) -> None:
    for project_id in ("p-1", "p-2", "p-3"):
        await runtime.consumer(secrecy.approved(project_id, classified=True))


DECISIONS = {"approval": _approval, "finance": _finance, "audit": _audit, "secrecy": _secrecy}
TAMPERING = [
    ("UPDATE decision_trail SET content = replace(content, '\"at\":\"20', '\"at\":\"19') WHERE seq = 2", 2,
     "CONTENT_ALTERED"),
    ("UPDATE decision_trail SET previous_hash = repeat('f', 64) WHERE seq = 3", 3, "LINK_BROKEN"),
    ("DELETE FROM decision_trail WHERE seq = 2", 2, "ENTRY_MISSING"),
]


@pytest.mark.parametrize("name", list(SERVICES))
@pytest.mark.parametrize("tampering, seq, kind", TAMPERING, ids=["altered", "relinked", "deleted"])
async def test_R_OVS_1_a_row_tampered_with_in_each_services_database_is_named_by_the_cli_and_the_graph(
        service_on_postgres, name, tampering, seq, kind):
    runtime = await service_on_postgres(SERVICES[name], started=False)
    await DECISIONS[name](runtime)
    database = {"DATABASE_URL": runtime.database_url}
    schema = SERVICES[name].schema_factory()
    query = f"{{ {name}TrailVerification {{ entries intact firstBrokenSeq problem }} }}"

    async def verification() -> dict:
        result = await schema.execute(query, context_value=RequestContext(identity=SUPERVISORY, runtime=runtime))
        return result.data[f"{name}TrailVerification"]

    assert (await verification())["intact"] is True

    connection = await asyncpg.connect(runtime.database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        assert await connection.fetchval("SELECT count(*) FROM decision_trail") >= 3
        await connection.execute(tampering)
    finally:
        await connection.close()

    broken = egov("trail", "verify", "--service", name, env=database)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"BROKEN at entry {seq}: {kind}" in broken.stdout and f"{seq - 1} entries checked" in broken.stdout
    report = await verification()
    assert report["intact"] is False and report["firstBrokenSeq"] == seq and report["entries"] == seq - 1
    assert report["problem"].startswith(kind)
