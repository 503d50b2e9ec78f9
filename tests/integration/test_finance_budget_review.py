"""Finance's budget review (R-REV-2, R-REV-3) on the real PostgreSQL: the migration, events in any order and
twice, the report through the outbox in the command's transaction, and the total kept under concurrent clerks."""
import asyncio

import pytest

from services.finance.adapters.orm import trail
from services.finance.adapters.repository import BudgetReviewRepository
from services.finance.app import DEFINITION
from shared.events import BudgetReviewReported, Envelope
from shared.migrations import current_revision, head_revision
from shared.trail_store import DecisionTrail
from tests.unit.finance.support import (
    ESTIMATE,
    approved,
    downgrade,
    issue_report,
    opinion,
    outbox_events,
    review,
    secrecy_passed,
    set_line,
    settle,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def finance(service_on_postgres):
    runtime = await service_on_postgres(DEFINITION, database="finance_review")
    yield runtime
    await settle(runtime)


async def deliver_twice(runtime, envelope: Envelope) -> None:
    await asyncio.gather(runtime.consumer(envelope), runtime.consumer(Envelope.from_bytes(envelope.to_bytes())))


async def test_R_REV_2_R_REV_3_a_classified_budget_review_end_to_end_on_postgres(finance):
    assert await current_revision(finance.engine) == head_revision(finance.definition.migrations)
    await deliver_twice(finance, opinion("p-pg", classified=True))  # before the approval, and twice
    await deliver_twice(finance, approved("p-pg", classified=True))
    assert (await review(finance, "p-pg"))["status"] == "IN_REVIEW"

    assert (await set_line(finance, "p-pg", "EQUIPMENT", ESTIMATE, ESTIMATE - 1))["userErrors"] == []
    over = await set_line(finance, "p-pg", "OTHER", 2, 2)
    assert [(e["code"], e["field"]) for e in over["userErrors"]] == [("R-REV-2", ["lines", "OTHER", "approvedAmount"])]
    assert (await set_line(finance, "p-pg", "OTHER", 2, 1))["userErrors"] == []

    gated = await issue_report(finance, "p-pg")
    assert [e["code"] for e in gated["userErrors"]] == ["R-REV-3"]
    assert await outbox_events(finance, BudgetReviewReported.event_type) == []

    await deliver_twice(finance, secrecy_passed("p-pg"))
    reported = await issue_report(finance, "p-pg")
    assert reported["userErrors"] == [] and reported["budgetReview"]["approvedBudget"] == ESTIMATE
    (event,) = await outbox_events(finance, BudgetReviewReported.event_type)
    assert event.payload().approved_budget == ESTIMATE
    assert [(line.category, line.amount) for line in event.payload().lines] == [("EQUIPMENT", ESTIMATE - 1),
                                                                                ("OTHER", 1)]
    assert (await set_line(finance, "p-pg", "OTHER", 2, 0))["userErrors"][0]["code"] == "R-REV-2"  # final

    found = await review(finance, "p-pg")
    assert [h["action"] for h in found["history"]] == [
        "OPEN", "RECEIVE_REVIEW_OPINION", "SET_LINE", "SET_LINE", "SECRECY_REVIEW_PASSED", "ISSUE_REPORT"]
    async with finance.sessions() as session:
        repository = BudgetReviewRepository(session)
        case = await repository.get("p-pg")
        assert len(await repository.history_of(case.id)) == 6
        assert (await DecisionTrail(trail, session).verify()).intact  # R-OVS-1


async def test_R_REV_2_concurrent_clerks_never_approve_above_the_estimate(finance):
    """Two lines, each within the estimate alone but not together, set at the same instant: one wins."""
    for round_ in range(5):
        project_id = f"p-race-{round_}"
        await finance.consumer(opinion(project_id))
        results = await asyncio.gather(
            set_line(finance, project_id, "EQUIPMENT", ESTIMATE, ESTIMATE // 2 + 1),
            set_line(finance, project_id, "SYSTEM_INTEGRATION", ESTIMATE, ESTIMATE // 2 + 1))
        accepted = [r for r in results if not r["userErrors"]]
        refused = [r["userErrors"][0]["code"] for r in results if r["userErrors"]]
        assert len(accepted) == 1 and refused in (["R-REV-2"], ["CONFLICT"])
        assert (await review(finance, project_id))["lines"] == accepted[0]["budgetReview"]["lines"]


async def test_migrations_down_to_0001_are_reversible_on_postgres(finance):
    await finance.consumer(opinion("p-down"))
    await downgrade(finance, "0001")
    assert await current_revision(finance.engine) == "0001"
    await finance.migrate()
    assert await current_revision(finance.engine) == head_revision(finance.definition.migrations)
    assert (await review(finance, "p-down"))["status"] == "IN_REVIEW"
