"""The finance service on SQLite with the in-process bus: events in, GraphQL commands, the outbox out.

Guards R-REV-2 (lines, totals, the report), R-REV-3 (classified projects wait for the secrecy review), Article 5
(only the Finance Bureau decides), and the inbox (a redelivered event has one effect).
"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.finance.adapters.orm import (
    budget_reviews,
    review_fund_sources,
    review_yearly_plan,
    trail,
)
from services.finance.app import DEFINITION
from shared.auth import Department, Identity
from shared.bus.memory import InProcessBus
from shared.events import BudgetReviewOpened, BudgetReviewReported, Envelope
from shared.migrations import current_revision, head_revision
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.unit.finance.support import (
    ESTIMATE,
    FINANCE,
    ISSUE_REPORT,
    SET_LINE,
    T0,
    approved,
    classification,
    count,
    downgrade,
    gql,
    issue_report,
    opinion,
    outbox_events,
    review,
    secrecy_failed,
    secrecy_passed,
    set_line,
    settle,
    snapshot,
)

OUTSIDERS = [d for d in Department if d is not Department.FINANCE_BUREAU]


@pytest.fixture
async def runtime(tmp_path, keys):
    bus = InProcessBus(retry_delay=0)
    runtime = ServiceRuntime(DEFINITION, Settings(data_dir=tmp_path, jwt_public_key_file=keys[1])
                             .for_service("finance"), bus=bus)
    await runtime.start()
    yield runtime
    await settle(runtime)
    await runtime.stop()
    await bus.close()


async def in_review(runtime, project_id="p-1", **opinion_changes):
    await runtime.consumer(approved(project_id, classified=opinion_changes.get("classified", False)))
    await runtime.consumer(opinion(project_id, **opinion_changes))


async def test_migrations_bring_the_finance_database_to_the_head(runtime):
    assert await current_revision(runtime.engine) == head_revision(runtime.definition.migrations)


async def test_the_review_opinion_arriving_before_the_approval_still_opens_one_case_in_review(runtime):
    """Events come in any order: the technical-review opinion (R-REV-1) may beat the approval event."""
    await runtime.consumer(opinion("p-1"))
    found = await review(runtime, "p-1")
    assert found["status"] == "IN_REVIEW" and found["approvedEstimate"] == ESTIMATE
    await runtime.consumer(approved("p-1"))
    found = await review(runtime, "p-1")
    assert found["status"] == "IN_REVIEW" and found["approvedEstimate"] == ESTIMATE
    assert [h["action"] for h in found["history"]] == ["OPEN", "RECEIVE_REVIEW_OPINION"]
    opened = await outbox_events(runtime, BudgetReviewOpened.event_type)
    assert len(opened) == 1 and opened[0].data["status"] == "IN_REVIEW"
    async with runtime.sessions() as session:  # kept for the fund plans built on them later
        assert sorted((await session.execute(select(review_fund_sources.c.source, review_fund_sources.c.amount)))
                      .all()) == [("FISCAL", ESTIMATE - 500_000_00), ("SELF_RAISED", 500_000_00)]
        assert (await session.execute(select(review_yearly_plan.c.year).order_by(review_yearly_plan.c.year))
                ).scalars().all() == [2026, 2027]
        assert (await session.execute(select(budget_reviews.c.cross_year))).scalar_one() is True


async def test_the_approval_first_waits_for_the_opinion_then_moves_into_review(runtime):
    await runtime.consumer(approved("p-1"))
    assert (await review(runtime, "p-1"))["status"] == "WAITING_FOR_REVIEW_OPINION"
    refused = await set_line(runtime, "p-1", "EQUIPMENT", 10, 10)
    assert [e["code"] for e in refused["userErrors"]] == ["R-REV-2"]
    await runtime.consumer(opinion("p-1"))
    assert (await review(runtime, "p-1"))["status"] == "IN_REVIEW"


async def test_duplicate_events_have_one_effect(runtime):
    for envelope in (approved("p-1"), opinion("p-1"), secrecy_passed("p-1"), classification("p-1", True)):
        await runtime.consumer(envelope)
        await runtime.consumer(Envelope.from_bytes(envelope.to_bytes()))  # the redelivery, as off the wire
    assert await count(runtime, budget_reviews) == 1
    assert await count(runtime, trail.entries) == 4  # OPEN, opinion, secrecy review, classification
    assert len(await outbox_events(runtime, BudgetReviewOpened.event_type)) == 1
    assert await count(runtime, runtime.inbox) == 4


async def test_R_REV_2_the_report_lands_in_the_outbox_with_the_approved_amounts(runtime):
    await in_review(runtime)
    await set_line(runtime, "p-1", "EQUIPMENT", 1_500_000_00, 1_200_000_00, note="two servers fewer")
    await set_line(runtime, "p-1", "SUPERVISION", 100_000_00, 80_000_00)
    reported = await issue_report(runtime, "p-1")
    assert reported["userErrors"] == []
    assert reported["budgetReview"]["status"] == "REPORTED"
    assert reported["budgetReview"]["approvedBudget"] == 1_280_000_00
    (event,) = await outbox_events(runtime, BudgetReviewReported.event_type)
    payload = event.payload()
    assert event.subject == "p-1" and payload.project_id == "p-1"
    assert payload.approved_budget == 1_280_000_00
    assert [(line.category, line.amount) for line in payload.lines] == [
        ("EQUIPMENT", 1_200_000_00), ("SUPERVISION", 80_000_00)]
    assert payload.reported_at.isoformat() == reported["budgetReview"]["reportedAt"]
    found = await review(runtime, "p-1")
    assert found["lines"][0]["note"] == "two servers fewer"
    assert found["history"][-1] == {"action": "ISSUE_REPORT", "department": "FINANCE_BUREAU", "reason": None}


async def test_R_REV_2_a_reported_case_is_final(runtime):
    await in_review(runtime)
    await set_line(runtime, "p-1", "EQUIPMENT", 100, 100)
    await issue_report(runtime, "p-1")
    before = await snapshot(runtime)
    again = await set_line(runtime, "p-1", "EQUIPMENT", 100, 50)
    assert again["budgetReview"] is None and [e["code"] for e in again["userErrors"]] == ["R-REV-2"]
    assert "final" in again["userErrors"][0]["message"]
    assert (await issue_report(runtime, "p-1"))["userErrors"][0]["code"] == "R-REV-2"
    assert await snapshot(runtime) == before
    assert len(await outbox_events(runtime, BudgetReviewReported.event_type)) == 1


async def test_R_REV_2_lines_up_to_exactly_the_estimate_pass_and_one_fen_more_is_refused(runtime):
    await in_review(runtime)
    first = await set_line(runtime, "p-1", "EQUIPMENT", ESTIMATE, ESTIMATE - 1)
    assert first["userErrors"] == []
    before = await snapshot(runtime)
    refused = await set_line(runtime, "p-1", "OTHER", 2, 2)
    assert refused["budgetReview"] is None
    (error,) = refused["userErrors"]
    assert error["code"] == "R-REV-2" and error["field"] == ["lines", "OTHER", "approvedAmount"]
    assert f"({ESTIMATE + 1} fen)" in error["message"] and f"({ESTIMATE} fen)" in error["message"]
    assert await snapshot(runtime) == before  # nothing written on refusal
    exact = await set_line(runtime, "p-1", "OTHER", 2, 1)
    assert exact["userErrors"] == [] and exact["budgetReview"]["approvedTotal"] == ESTIMATE


async def test_R_REV_2_approved_above_requested_is_refused(runtime):
    await in_review(runtime)
    refused = await set_line(runtime, "p-1", "SYSTEM_INTEGRATION", 100, 101)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-REV-2", ["approvedAmount"])]


async def test_R_REV_2_a_report_needs_a_line(runtime):
    await in_review(runtime)
    refused = await issue_report(runtime, "p-1")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-REV-2", ["lines"])]


@pytest.mark.parametrize("literal", ["1.5", "100.0", "-1"])
async def test_money_a_float_or_negative_amount_in_graphql_is_refused(runtime, literal):
    await in_review(runtime)
    before = await snapshot(runtime)
    query = ('mutation { setBudgetLine(projectId: "p-1", category: EQUIPMENT, requestedAmount: 100, '
             f'approvedAmount: {literal}) {{ userErrors {{ code }} }} }}')
    result = await gql(runtime, query)
    assert result.errors and result.data is None
    as_variable = await set_line(runtime, "p-1", "EQUIPMENT", 100, float(literal))
    assert as_variable.errors
    assert await snapshot(runtime) == before


@pytest.mark.parametrize("department", OUTSIDERS)
async def test_every_other_department_is_forbidden_each_mutation_and_nothing_is_written(runtime, department):
    """Article 5: budget review is the Finance Bureau's; the refusal names the department it needs."""
    await in_review(runtime)
    await set_line(runtime, "p-1", "EQUIPMENT", 100, 100)
    before = await snapshot(runtime)
    outsider = Identity(department, unit="health-commission", parent_units=("city-government",))
    for query, variables in ((SET_LINE, dict(p="p-1", c="OTHER", r=1, a=1)), (ISSUE_REPORT, dict(p="p-1")),
                             (ISSUE_REPORT, dict(p="no-such-project"))):
        result = await gql(runtime, query, outsider, **variables)
        (error,) = result.errors
        assert error.extensions["code"] == ("UNAUTHENTICATED" if department is Department.PUBLIC else "FORBIDDEN")
        assert "FINANCE_BUREAU" in error.message
    assert await snapshot(runtime) == before


async def test_an_unknown_project_is_not_found(runtime):
    refused = await set_line(runtime, "nobody", "EQUIPMENT", 1, 1)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("NOT_FOUND", ["projectId"])]


async def test_R_REV_3_a_classified_project_is_reported_only_after_the_secrecy_review_passed(runtime):
    await in_review(runtime, classified=True)
    await set_line(runtime, "p-1", "EQUIPMENT", 100, 90)
    before = await snapshot(runtime)
    refused = await issue_report(runtime, "p-1")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-REV-3", ["projectId"])]
    assert await snapshot(runtime) == before and not await outbox_events(runtime, BudgetReviewReported.event_type)
    await runtime.consumer(secrecy_passed("p-1"))
    assert (await review(runtime, "p-1"))["secrecyReviewPassed"] is True
    reported = await issue_report(runtime, "p-1")
    assert reported["userErrors"] == [] and reported["budgetReview"]["secrecyReviewPassed"] is True


async def test_R_REV_3_a_secrecy_pass_that_arrived_before_the_case_still_counts(runtime):
    await runtime.consumer(secrecy_passed("p-1"))
    await runtime.consumer(classification("p-1", True))
    await runtime.consumer(opinion("p-1", classified=False))
    found = await review(runtime, "p-1")
    assert found["classified"] is True and found["secrecyReviewPassed"] is True
    await set_line(runtime, "p-1", "EQUIPMENT", 100, 90)
    assert (await issue_report(runtime, "p-1"))["userErrors"] == []


async def test_R_REV_3_the_secrecy_bureaus_classification_wins_over_the_review_opinions_flag(runtime):
    await in_review(runtime, classified=False)
    await set_line(runtime, "p-1", "EQUIPMENT", 100, 90)
    await runtime.consumer(classification("p-1", True))
    assert (await issue_report(runtime, "p-1"))["userErrors"][0]["code"] == "R-REV-3"
    await runtime.consumer(secrecy_failed("p-1"))
    assert (await issue_report(runtime, "p-1"))["userErrors"][0]["code"] == "R-REV-3"
    await runtime.consumer(classification("p-1", False, at=T0 + timedelta(days=20)))
    assert (await issue_report(runtime, "p-1"))["userErrors"] == []


async def test_a_project_the_caller_may_not_see_has_no_visible_budget_review(runtime):
    """R-SEC-2: the project's own unit sees its case; another unit does not; a classified one stays hidden."""
    await in_review(runtime, "p-open")
    await runtime.consumer(approved("p-secret", classified=True))
    own_unit = Identity(Department.CONSTRUCTION_UNIT, unit="health-commission", parent_units=("city-government",))
    other_unit = Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau", parent_units=("city-government",))
    overseer = Identity(Department.SUPERVISORY_COMMISSION, unit="commission")
    assert (await review(runtime, "p-open", own_unit))["status"] == "IN_REVIEW"
    assert await review(runtime, "p-open", other_unit) is None
    assert await review(runtime, "p-open", Identity(Department.PUBLIC)) is None
    assert await review(runtime, "p-secret", overseer) is None
    assert (await review(runtime, "p-secret", FINANCE))["classified"] is True


async def test_budget_reviews_are_listed_for_the_finance_bureau_only(runtime):
    await in_review(runtime, "p-1")
    await runtime.consumer(approved("p-2"))
    query = "query($s: BudgetReviewStatus) { budgetReviews(status: $s) { projectId status approvedEstimate } }"
    listed = await gql(runtime, query, s="IN_REVIEW")
    assert listed.data["budgetReviews"] == [{"projectId": "p-1", "status": "IN_REVIEW", "approvedEstimate": ESTIMATE}]
    assert len((await gql(runtime, query)).data["budgetReviews"]) == 2
    refused = await gql(runtime, query, Identity(Department.AUDIT_BUREAU, unit="audit"))
    assert refused.errors[0].extensions["code"] == "FORBIDDEN"


async def test_migrations_go_down_to_0001_and_up_again_on_sqlite(runtime):
    await in_review(runtime)
    await set_line(runtime, "p-1", "EQUIPMENT", 100, 90)
    await downgrade(runtime, "0001")
    assert await current_revision(runtime.engine) == "0001"
    await runtime.migrate()
    assert await current_revision(runtime.engine) == head_revision(runtime.definition.migrations)
    assert (await review(runtime, "p-1"))["status"] == "IN_REVIEW"  # the case survived; the 0002 facts did not
