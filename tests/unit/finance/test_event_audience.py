"""R-SEC-2: every finance event about a project carries its audience (unit path and jurisdiction from the approval
event, classification as Finance judges it: the Secrecy Bureau's word, else the review opinion's, else the unit's);
a special-fund plan's event and an event about a project Finance does not know carry none."""
from __future__ import annotations

from datetime import datetime, timezone

from shared.events import Audience, BudgetReviewOpened, BudgetReviewReported, ClassificationConfirmed, \
    SpecialFundPlanApproved
from tests.unit.audience_support import emitted_about, outbox_envelopes
from tests.unit.finance.money_support import THIS_YEAR, allocate, approve_plan, reported
from tests.unit.finance.support import approved, issue_report, opinion, secrecy_passed, set_line, wrap

UNIT_PATH = ["health-commission", "city-government"]


async def the(runtime, event_type: str, project_id: str):
    (event,) = [e for e in await outbox_envelopes(runtime, event_type) if e.subject == project_id]
    return event


async def test_R_SEC_2_an_ordinary_projects_events_name_its_unit_path_and_jurisdiction(runtime):
    await reported(runtime, "p-1", unit_path=UNIT_PATH, jurisdiction="HESHAN")
    expected = Audience(project_id="p-1", unit_path=UNIT_PATH, jurisdiction="HESHAN", classified=False)
    assert (await the(runtime, BudgetReviewOpened.event_type, "p-1")).audience == expected
    assert (await the(runtime, BudgetReviewReported.event_type, "p-1")).audience == expected


async def test_R_SEC_2_a_classified_projects_events_say_so(runtime):
    await reported(runtime, "p-2", classified=True, unit_path=UNIT_PATH)
    for event_type in (BudgetReviewOpened.event_type, BudgetReviewReported.event_type):
        assert (await the(runtime, event_type, "p-2")).audience == Audience(
            project_id="p-2", unit_path=UNIT_PATH, jurisdiction="CITY", classified=True)


async def test_R_SEC_2_the_secrecy_bureaus_word_wins_over_the_declaration_and_the_opinion(runtime):
    """Approved and reviewed as ordinary, confirmed classified by the Secrecy Bureau: the report is classified."""
    await runtime.consumer(approved("p-3", unit_path=UNIT_PATH))
    await runtime.consumer(opinion("p-3"))
    await runtime.consumer(wrap(ClassificationConfirmed(project_id="p-3", classified=True, level="SECRET",
                                                        decided_at=datetime.now(timezone.utc)), source="secrecy"))
    await runtime.consumer(secrecy_passed("p-3"))
    assert (await the(runtime, BudgetReviewOpened.event_type, "p-3")).audience.classified is False
    estimate = opinion("p-3").payload().approved_estimate
    assert (await set_line(runtime, "p-3", "EQUIPMENT", estimate, estimate))["userErrors"] == []
    assert (await issue_report(runtime, "p-3"))["userErrors"] == []
    assert (await the(runtime, BudgetReviewReported.event_type, "p-3")).audience.classified is True


async def test_R_SEC_2_a_case_opened_before_finance_knows_the_projects_unit_has_no_audience(runtime):
    """The review opinion came before the approval event: Finance has no unit path to address the event to, so it
    reaches the workflow bureaus only (rather than guess who may read it)."""
    await runtime.consumer(opinion("p-4", classified=True))
    assert (await the(runtime, BudgetReviewOpened.event_type, "p-4")).audience is None


async def test_R_SEC_2_a_special_fund_plans_event_has_no_audience(runtime):
    await reported(runtime, "p-5")
    assert (await allocate(runtime, "p-5", THIS_YEAR, 100_00))["userErrors"] == []
    await approve_plan(runtime)
    (event,) = await outbox_envelopes(runtime, SpecialFundPlanApproved.event_type)
    assert event.subject == f"special-fund-plan:CITY:{THIS_YEAR}" and event.audience is None


async def test_R_SEC_2_an_event_about_a_project_finance_does_not_know_has_no_audience(runtime):
    assert (await emitted_about(runtime, "no-such-project")).audience is None
