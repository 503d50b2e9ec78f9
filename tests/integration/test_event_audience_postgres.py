"""R-SEC-2 on the real PostgreSQL: the outbox row each service writes holds the envelope with its project's audience
(what the relay publishes and the gateway's subscriptions filter on), read by each service's own SQL; a
construction plan's event, whose subject is longer than a project id, holds none."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.approval.app import DEFINITION as APPROVAL
from services.audit.app import DEFINITION as AUDIT
from services.finance.app import DEFINITION as FINANCE
from services.secrecy.app import DEFINITION as SECRECY
from shared.events import BudgetReviewOpened, ProjectSubmitted
from tests.unit.approval.builders import BUREAU, UNIT
from tests.unit.approval.conftest import ApprovalService
from tests.unit.approval.plan_support import plan_mutation
from tests.unit.approval.test_service import approved_and_reviewed, drafted, run
from tests.unit.audience_support import emitted_about
from tests.unit.audit import support as audit
from tests.unit.finance import support as finance
from tests.unit.secrecy import support as secrecy

pytestmark = pytest.mark.integration

UNIT_PATH = ["health-commission", "city-government"]


async def stored(runtime, event_type: str) -> list[dict]:
    """The envelopes as the outbox rows hold them (JSON), oldest first."""
    async with runtime.sessions() as session:
        return list((await session.execute(select(runtime.outbox.c.envelope).where(runtime.outbox.c.type == event_type)
                                           .order_by(runtime.outbox.c.seq))).scalars())


async def test_R_SEC_2_approvals_outbox_rows_carry_the_audience_on_postgres(service_on_postgres):
    approval = ApprovalService(await service_on_postgres(APPROVAL))
    secret = await drafted(approval, declaredClassified=True, jurisdiction="NANXIAN")
    assert (await run(approval, UNIT, "submitProject", id=secret))["userErrors"] == []
    (row,) = await stored(approval.runtime, ProjectSubmitted.event_type)
    assert row["subject"] == secret
    assert row["audience"] == {"project_id": secret, "unit_path": UNIT_PATH, "jurisdiction": "NANXIAN",
                               "classified": True}

    planned = await approved_and_reviewed(approval)
    for actor, mutation, arguments in ((BUREAU, "draftConstructionPlan", {}),
                                       (BUREAU, "addConstructionPlanItem", {"projectId": planned,
                                                                            "plannedAmount": 5_000_000_00}),
                                       (BUREAU, "submitConstructionPlanForReview", {})):
        assert (await plan_mutation(approval, actor, mutation, **arguments))["userErrors"] == []
    (plan_row,) = await stored(approval.runtime, "approval.construction_plan.submitted.v1")
    assert plan_row["subject"].startswith("construction-plan:") and plan_row["audience"] is None


async def test_R_SEC_2_finance_audit_and_secrecy_read_the_audience_from_their_own_tables_on_postgres(
        service_on_postgres):
    finance_runtime = await service_on_postgres(FINANCE)
    await finance_runtime.consumer(finance.approved("p-1", classified=True, unit_path=UNIT_PATH))
    (row,) = await stored(finance_runtime, BudgetReviewOpened.event_type)
    assert row["audience"] == {"project_id": "p-1", "unit_path": UNIT_PATH, "jurisdiction": "CITY",
                               "classified": True}

    audit_runtime = await service_on_postgres(AUDIT, started=False)
    await audit_runtime.consumer(audit.approved("p-2", audit.MILLION_YUAN, jurisdiction="ANHUA"))
    assert (await emitted_about(audit_runtime, "p-2")).audience.model_dump() == {
        "project_id": "p-2", "unit_path": UNIT_PATH, "jurisdiction": "ANHUA", "classified": False}

    secrecy_runtime = await service_on_postgres(SECRECY, started=False)
    await secrecy_runtime.consumer(secrecy.submitted("p-3", declared_classified=True))
    assert (await emitted_about(secrecy_runtime, "p-3")).audience.model_dump() == {
        "project_id": "p-3", "unit_path": list(secrecy.UNIT_PATH), "jurisdiction": None, "classified": True}
    for runtime in (finance_runtime, audit_runtime, secrecy_runtime):
        assert (await emitted_about(runtime, "construction-plan:CITY:2026")).audience is None
