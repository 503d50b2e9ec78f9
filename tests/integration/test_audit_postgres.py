"""The audit service on the real PostgreSQL: migration 0002 (up, down, up); one pass of the plan (R-AUD-1/2, the
commit-reveal draw recomputed by the CLI), an engagement and its finding (R-FIN-4), the trail (R-OVS-1) verified
by the CLI against the database; concurrent decisions keep one linear chain and one draw per year."""
import asyncio
import json

import pytest

from services.audit.adapters import orm
from services.audit.app import DEFINITION
from services.audit.domain.sampling.document import verify_document
from tests.unit.audit.support import (
    COMMIT,
    FIELDWORK,
    FINDING,
    MILLION_YUAN,
    OPEN,
    REVEAL,
    SEED,
    VERIFY_TRAIL,
    accept_projects,
    commit_input,
    count,
    document_of,
    egov,
    finding_input,
    gql,
    migrate_down_and_up,
    mutate,
    outbox_events,
    project,
    snapshot,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def audit(service_on_postgres):
    runtime = await service_on_postgres(DEFINITION, started=False)
    await runtime.migrate()  # idempotent: already at head
    return runtime


async def test_migration_0002_reaches_head_and_goes_down_and_up_again_on_postgres(audit):
    await migrate_down_and_up(audit)


async def test_R_AUD_2_one_pass_of_the_plan_engagement_and_finding_on_postgres(audit, tmp_path):
    # Ids whose PostgreSQL collation order differs from code-point order: the frame's order is Python's.
    small = {"p-a": 3 * MILLION_YUAN, "p-B": 2 * MILLION_YUAN, "p-_c": MILLION_YUAN, "P-d": 4 * MILLION_YUAN,
             **{f"p-{i:03d}": (i % 6 + 1) * MILLION_YUAN for i in range(40)}}
    await accept_projects(audit, {**small, "p-big": 20 * MILLION_YUAN})
    committed = (await mutate(audit, COMMIT, i=commit_input(proportion="0.2", method="PPS")))["auditPlan"]
    before = await snapshot(audit)
    assert (await mutate(audit, REVEAL, p=committed["id"], s="not the seed"))["userErrors"][0]["code"] == "R-AUD-2"
    assert await snapshot(audit) == before
    plan = (await mutate(audit, REVEAL, p=committed["id"], s=SEED))["auditPlan"]
    assert plan["report"]["certainty"]["count"] == 1 and plan["report"]["selected"]["count"] == 9
    assert verify_document(document_of(plan)).ok
    (tmp_path / "draw.json").write_text(plan["document"])
    recomputed = egov("audit-draw", "verify", "--inputs", str(tmp_path / "draw.json"))
    assert recomputed.returncode == 0, recomputed.stdout

    engagement = (await mutate(audit, OPEN, p="p-big"))["engagement"]
    await mutate(audit, FIELDWORK, e=engagement["id"])
    published = await mutate(audit, FINDING, e=engagement["id"], i=finding_input(violationType="FALSE_LISTING"))
    assert published["userErrors"] == []
    [event] = await outbox_events(audit, "audit.finding.published.v1")
    assert event.data["violation_type"] == "FALSE_LISTING" and event.data["project_id"] == "p-big"
    assert (await project(audit, "p-big"))["audit"]["engagementStatus"] == "FINDINGS"

    trail = (await gql(audit, VERIFY_TRAIL)).data["auditTrailVerification"]
    assert trail["intact"] and trail["entries"] == 5
    checked = egov("trail", "verify", "--service", "audit", "--expect-head", trail["headHash"],
                   env={"DATABASE_URL": audit.database_url})
    assert checked.returncode == 0 and "INTACT" in checked.stdout, checked.stdout + checked.stderr


async def test_R_OVS_1_concurrent_decisions_keep_one_linear_chain_and_one_draw_per_year(audit):
    await accept_projects(audit, {f"p-{i:03d}": 30 * MILLION_YUAN for i in range(8)})
    await accept_projects(audit, {"p-small": MILLION_YUAN})
    results = await asyncio.gather(*(mutate(audit, COMMIT, i=commit_input()) for _ in range(3)))
    assert sorted(bool(r["auditPlan"]) for r in results) == [False, False, True]
    assert all(r["userErrors"][0]["code"] == "R-AUD-2" for r in results if not r["auditPlan"])
    opened = await asyncio.gather(*(mutate(audit, OPEN, p=f"p-{i:03d}") for i in range(8)))
    assert all(r["userErrors"] == [] for r in opened), [r["userErrors"] for r in opened]
    assert await count(audit, orm.trail.entries) == 9 and await count(audit, orm.plans) == 1
    report = (await gql(audit, VERIFY_TRAIL)).data["auditTrailVerification"]
    assert report["intact"] and report["headSeq"] == 9, json.dumps(report)
