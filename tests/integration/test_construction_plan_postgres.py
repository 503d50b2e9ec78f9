"""R-PLN-1 on the real PostgreSQL: the construction plan's whole path through the approval subgraph, construction
refused without the approved plan and allowed with it, an amendment that keeps version 1 readable, concurrent
clerks on one plan, and migration 0004 going down and up again."""
import asyncio

import pytest
from sqlalchemy import func, select

from services.approval import plan_handlers
from services.approval.adapters.orm import construction_plans, trail
from services.approval.app import DEFINITION
from services.approval.domain.lifecycle import ProjectStatus
from shared.migrations import downgrade, upgrade
from tests.unit.approval.builders import BUREAU, UNIT
from tests.unit.approval.conftest import ApprovalService
from tests.unit.approval.plan_support import YEAR, plan_mutation, put_in_approved_plan, read_plan
from tests.unit.approval.test_construction_plan_service import contract_signed
from tests.unit.approval.test_service import approved_and_reviewed

pytestmark = pytest.mark.integration


@pytest.fixture
async def approval(service_on_postgres):
    return ApprovalService(await service_on_postgres(DEFINITION))


async def test_R_PLN_1_the_plan_path_and_construction_on_postgres(approval):
    project_id = await contract_signed(approval)
    answer = await approval.call(UNIT, "mutation($id: ID!) { startConstruction(id: $id) { userErrors { code } } }",
                                 id=project_id)
    assert answer["startConstruction"]["userErrors"] == [{"code": "R-PLN-1"}]
    plan = await put_in_approved_plan(approval, project_id, amount=5_000_000_00)
    assert [(v["number"], v["status"], v["inForce"]) for v in plan["versions"]] == [(1, "APPROVED", True)]
    started = await approval.call(UNIT, "mutation($id: ID!) { startConstruction(id: $id) { project { status } "
                                        "userErrors { code } } }", id=project_id)
    assert started["startConstruction"] == {"project": {"status": "UNDER_CONSTRUCTION"}, "userErrors": []}

    other = await approved_and_reviewed(approval)
    amended = await put_in_approved_plan(approval, other, amount=1_000_000_00, document_number="益政函〔2026〕30号")
    v1, v2 = amended["versions"]
    assert (v1["status"], v1["inForce"], v1["documentNumber"], [i["projectId"] for i in v1["items"]]) == (
        "APPROVED", False, "益政函〔2026〕12号", [project_id])
    assert (v2["inForce"], v2["total"]) == (True, 6_000_000_00)
    assert [d["action"] for d in v1["decisions"]] == ["DRAFT", "ADD_ITEM", "SUBMIT_FOR_REVIEW", "PASS_REVIEW",
                                                      "APPROVE"]
    async with approval.runtime.sessions() as session:
        types = (await session.execute(select(approval.runtime.outbox.c.type).where(
            approval.runtime.outbox.c.type == "approval.construction_plan.approved.v1"))).scalars().all()
    assert len(types) == 2


async def test_R_PLN_1_concurrent_clerks_on_one_plan_neither_fail_nor_duplicate(approval):
    projects = [await approved_and_reviewed(approval) for _ in range(6)]
    drafts = await asyncio.gather(*(plan_mutation(approval, BUREAU, "draftConstructionPlan") for _ in range(5)))
    assert sorted(len(d["userErrors"]) for d in drafts) == [0, 1, 1, 1, 1]  # one plan; the others are told so
    added = await asyncio.gather(*(plan_handlers.add_item(approval.runtime.uow, "CITY", YEAR, p, 1_000_000_00, None,
                                                          BUREAU) for p in projects))
    assert all(len(versions) == 1 for versions in added)
    plan = await read_plan(approval)
    assert sorted(i["projectId"] for i in plan["versions"][0]["items"]) == sorted(projects)
    async with approval.runtime.sessions() as session:
        versions = (await session.execute(select(func.count()).select_from(construction_plans))).scalar_one()
        lines = (await session.execute(select(func.count()).select_from(trail.entries).where(
            trail.entries.c.subject_type == "CONSTRUCTION_PLAN"))).scalar_one()
    assert (versions, lines) == (1, 7)


async def test_migration_0004_goes_down_and_up_again(approval):
    project_id = await approved_and_reviewed(approval)
    await put_in_approved_plan(approval, project_id, amount=1_000_000_00)
    await downgrade(DEFINITION.migrations, approval.runtime.engine, "0003")
    await upgrade(DEFINITION.migrations, approval.runtime.engine)
    assert await read_plan(approval) is None  # the plans went with the tables; the projects stayed
    assert (await approval.call(BUREAU, "query($id: ID!) { project(id: $id) { status } }", id=project_id))[
        "project"] == {"status": ProjectStatus.APPROVED.value}
    assert (await plan_mutation(approval, BUREAU, "draftConstructionPlan"))["userErrors"] == []
