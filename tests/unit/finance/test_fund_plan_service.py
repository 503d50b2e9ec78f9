"""The fund plan (R-APP-3 / R-FIN-2) and the special-fund annual plan (R-PLN-2) through the finance subgraph."""
import pytest

from shared.auth import Department, Identity
from shared.events import SpecialFundPlanApproved
from tests.unit.finance.money_support import (
    APPROVAL,
    BUDGET,
    DRAFT_PLAN,
    LEADING_GROUP,
    NEXT_YEAR,
    REVIEW_PLAN,
    SET_ALLOCATION,
    SIGN_PLAN,
    THIS_YEAR,
    allocate,
    approve_plan,
    codes,
    cross_year_opinion,
    money,
    money_snapshot,
    mutate,
    reported,
)
from tests.unit.finance.support import approved, gql, outbox_events


async def test_R_FIN_2_allocations_by_year_on_the_one_application(runtime):
    await reported(runtime)
    first = await allocate(runtime, "p-1", THIS_YEAR, 400_000_00, note="design done, servers ordered")
    assert first["userErrors"] == []
    plan = first["fundPlan"]
    assert plan["crossYear"] is True and plan["approvedBudget"] == BUDGET
    assert plan["yearlyPlan"] == [{"year": THIS_YEAR, "amount": BUDGET // 2},
                                  {"year": NEXT_YEAR, "amount": BUDGET - BUDGET // 2},
                                  {"year": NEXT_YEAR + 1, "amount": 0}]
    assert plan["allocations"] == [{"year": THIS_YEAR, "amount": 400_000_00, "paid": 0, "omPaid": 0,
                                    "available": 400_000_00, "progressNote": "design done, servers ordered",
                                    "planStatus": None, "inApprovedPlan": False}]
    again = await allocate(runtime, "p-1", THIS_YEAR, 450_000_00)  # progress: set again, replaces
    assert again["fundPlan"]["allocatedTotal"] == 450_000_00


async def test_R_FIN_2_a_year_with_no_expenditure_planned_gets_no_allocation(runtime):
    await reported(runtime)
    before = await money_snapshot(runtime)
    for year in (NEXT_YEAR + 1, NEXT_YEAR + 2):  # planned 0, and not in the plan at all
        refused = await allocate(runtime, "p-1", year, 1)
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-FIN-2", ["input", "year"])]
    assert await money_snapshot(runtime) == before


async def test_R_FIN_2_a_past_year_gets_no_allocation(runtime):
    await reported(runtime)
    refused = await allocate(runtime, "p-1", THIS_YEAR - 1, 1)
    assert codes(refused) == ["R-FIN-2"]


async def test_R_FIN_2_allocations_never_add_up_above_the_approved_budget(runtime):
    await reported(runtime)
    assert (await allocate(runtime, "p-1", THIS_YEAR, BUDGET - 100))["userErrors"] == []
    before = await money_snapshot(runtime)
    over = await allocate(runtime, "p-1", NEXT_YEAR, 101)
    assert [(e["code"], e["field"]) for e in over["userErrors"]] == [("R-FIN-2", ["input", "amount"])]
    assert await money_snapshot(runtime) == before
    assert (await allocate(runtime, "p-1", NEXT_YEAR, 100))["fundPlan"]["allocatedTotal"] == BUDGET


async def test_R_FIN_2_no_allocation_before_the_budget_review_report(runtime):
    await runtime.consumer(approved("p-1"))
    await runtime.consumer(cross_year_opinion("p-1"))
    assert codes(await allocate(runtime, "p-1", THIS_YEAR, 1)) == ["R-FIN-2"]


async def test_R_APP_3_a_project_that_is_not_cross_year_is_funded_in_one_year(runtime):
    await reported(runtime, opinion=cross_year_opinion("p-1", cross_year=False))
    assert (await allocate(runtime, "p-1", NEXT_YEAR, 100_00))["userErrors"] == []
    refused = await allocate(runtime, "p-1", THIS_YEAR, 100_00)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-APP-3", ["input", "year"])]
    assert (await allocate(runtime, "p-1", NEXT_YEAR, 0))["userErrors"] == []  # withdrawn ...
    assert (await allocate(runtime, "p-1", THIS_YEAR, 100_00))["userErrors"] == []  # ... then another year


async def test_R_PLN_2_the_plan_sums_the_years_allocations_of_the_jurisdiction(runtime):
    await reported(runtime, "p-1")
    await reported(runtime, "p-2")
    await reported(runtime, "p-anhua", unit_path=("county-office", "anhua-government"), jurisdiction="ANHUA")
    await allocate(runtime, "p-1", THIS_YEAR, 100_00)
    await allocate(runtime, "p-2", THIS_YEAR, 250_00)
    await allocate(runtime, "p-anhua", THIS_YEAR, 777_00)  # another jurisdiction: its own plan
    await allocate(runtime, "p-2", NEXT_YEAR, 999_00)  # another year: not in this plan
    drafted = await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="CITY", y=THIS_YEAR)
    assert drafted["userErrors"] == []
    assert drafted["plan"]["status"] == "DRAFTING" and drafted["plan"]["total"] == 350_00
    assert drafted["plan"]["lines"] == [{"projectId": "p-1", "amount": 100_00}, {"projectId": "p-2", "amount": 250_00}]
    anhua = await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="ANHUA", y=THIS_YEAR)
    assert anhua["plan"]["lines"] == [{"projectId": "p-anhua", "amount": 777_00}]
    assert codes(await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="NANXIAN", y=THIS_YEAR)) == ["R-PLN-2"]
    assert codes(await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="ATLANTIS", y=THIS_YEAR)) == ["INVALID"]


async def test_R_PLN_2_both_departments_sign_then_the_leading_group_approves(runtime):
    await reported(runtime)
    await allocate(runtime, "p-1", THIS_YEAR, 100_00)
    await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="CITY", y=THIS_YEAR)
    early = await mutate(runtime, REVIEW_PLAN, "reviewSpecialFundPlan", LEADING_GROUP, j="CITY", y=THIS_YEAR, a=True)
    assert codes(early) == ["R-PLN-2"]  # not signed yet
    one = await mutate(runtime, SIGN_PLAN, "signSpecialFundPlan", j="CITY", y=THIS_YEAR)
    assert one["plan"]["status"] == "DRAFTING" and one["plan"]["signatures"] == [{"department": "FINANCE_BUREAU"}]
    assert codes(await mutate(runtime, SIGN_PLAN, "signSpecialFundPlan", j="CITY", y=THIS_YEAR)) == ["R-PLN-2"]
    both = await mutate(runtime, SIGN_PLAN, "signSpecialFundPlan", APPROVAL, j="CITY", y=THIS_YEAR)
    assert both["plan"]["status"] == "SUBMITTED"
    assert await outbox_events(runtime, SpecialFundPlanApproved.event_type) == []
    done = await mutate(runtime, REVIEW_PLAN, "reviewSpecialFundPlan", LEADING_GROUP, j="CITY", y=THIS_YEAR, a=True)
    assert done["plan"]["status"] == "APPROVED"
    assert [h["action"] for h in done["plan"]["history"]] == ["DRAFT", "SIGN", "SIGN", "APPROVE"]
    (event,) = await outbox_events(runtime, SpecialFundPlanApproved.event_type)
    assert event.subject == f"special-fund-plan:CITY:{THIS_YEAR}"  # the plan's events stay in order
    assert (event.payload().total, [line.project_id for line in event.payload().lines]) == (100_00, ["p-1"])
    assert (await money(runtime))["fundPlan"]["allocations"][0]["inApprovedPlan"] is True


async def test_R_PLN_2_a_returned_plan_needs_reasons_and_both_signatures_again(runtime):
    await reported(runtime)
    await allocate(runtime, "p-1", THIS_YEAR, 100_00)
    await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="CITY", y=THIS_YEAR)
    await mutate(runtime, SIGN_PLAN, "signSpecialFundPlan", j="CITY", y=THIS_YEAR)
    await mutate(runtime, SIGN_PLAN, "signSpecialFundPlan", APPROVAL, j="CITY", y=THIS_YEAR)
    no_reason = await mutate(runtime, REVIEW_PLAN, "reviewSpecialFundPlan", LEADING_GROUP, j="CITY", y=THIS_YEAR,
                             a=False)
    assert [(e["code"], e["field"]) for e in no_reason["userErrors"]] == [("R-PLN-2", ["reason"])]
    returned = await mutate(runtime, REVIEW_PLAN, "reviewSpecialFundPlan", LEADING_GROUP, j="CITY", y=THIS_YEAR,
                            a=False, r="fund the school network first")
    assert returned["plan"]["status"] == "DRAFTING" and returned["plan"]["signatures"] == []
    assert returned["plan"]["returnReason"] == "fund the school network first"


async def test_R_PLN_2_an_allocation_change_while_drafting_voids_the_signatures(runtime):
    await reported(runtime)
    await allocate(runtime, "p-1", THIS_YEAR, 100_00)
    await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="CITY", y=THIS_YEAR)
    await mutate(runtime, SIGN_PLAN, "signSpecialFundPlan", j="CITY", y=THIS_YEAR)
    await allocate(runtime, "p-1", THIS_YEAR, 120_00)
    plan = (await gql(runtime, "{ specialFundPlan(jurisdiction: \"CITY\", year: %d) { total signatures { department }"
                               " history { action } } }" % THIS_YEAR)).data["specialFundPlan"]
    assert plan["total"] == 120_00 and plan["signatures"] == []
    assert [h["action"] for h in plan["history"]] == ["DRAFT", "SIGN", "REFRESH_LINE"]


async def test_R_PLN_2_once_submitted_the_years_allocations_are_fixed(runtime):
    await reported(runtime)
    await allocate(runtime, "p-1", THIS_YEAR, 100_00)
    await approve_plan(runtime)
    before = await money_snapshot(runtime)
    assert codes(await allocate(runtime, "p-1", THIS_YEAR, 90_00)) == ["R-PLN-2"]
    assert codes(await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="CITY", y=THIS_YEAR)) == ["R-PLN-2"]
    assert await money_snapshot(runtime) == before
    assert (await allocate(runtime, "p-1", NEXT_YEAR, 90_00))["userErrors"] == []  # another year is open


async def test_R_PLN_2_a_plan_line_of_a_classified_project_hides_the_project_from_the_uncleared(runtime):
    await reported(runtime, "p-secret", classified=True)
    await allocate(runtime, "p-secret", THIS_YEAR, 100_00)
    await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="CITY", y=THIS_YEAR)
    query = "{ specialFundPlan(jurisdiction: \"CITY\", year: %d) { total lines { projectId amount } } }" % THIS_YEAR
    group = (await gql(runtime, query, LEADING_GROUP)).data["specialFundPlan"]
    assert group == {"total": 100_00, "lines": [{"projectId": None, "amount": 100_00}]}
    cleared = Identity(Department.LEADING_GROUP, unit="leading-group", roles=("SECRECY_CLEARANCE",))
    assert (await gql(runtime, query, cleared)).data["specialFundPlan"]["lines"][0]["projectId"] == "p-secret"
    refused = await gql(runtime, query, Identity(Department.CONSTRUCTION_UNIT, unit="health-commission"))
    assert refused.errors[0].extensions["code"] == "FORBIDDEN"


@pytest.mark.parametrize("mutation,variables,needed", [
    (SET_ALLOCATION, {"input": {"projectId": "p-1", "year": THIS_YEAR, "amount": 1}}, "FINANCE_BUREAU"),
    (DRAFT_PLAN, {"j": "CITY", "y": THIS_YEAR}, "FINANCE_BUREAU"),
    (SIGN_PLAN, {"j": "CITY", "y": THIS_YEAR}, "APPROVAL_BUREAU or FINANCE_BUREAU"),
    (REVIEW_PLAN, {"j": "CITY", "y": THIS_YEAR, "a": True}, "LEADING_GROUP"),
])
async def test_every_fund_plan_mutation_refuses_the_wrong_department_and_writes_nothing(runtime, mutation, variables,
                                                                                        needed):
    await reported(runtime)
    await allocate(runtime, "p-1", THIS_YEAR, 100_00)
    await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j="CITY", y=THIS_YEAR)
    before = await money_snapshot(runtime)
    allowed = {d for d in needed.split(" or ")}
    for department in Department:
        if department.value in allowed:
            continue
        result = await gql(runtime, mutation, Identity(department, unit="health-commission"), **variables)
        (error,) = result.errors
        refusal = "UNAUTHENTICATED" if department is Department.PUBLIC else "FORBIDDEN"  # no token: not signed in
        assert error.extensions["code"] == refusal and needed in error.message, (department, error.message)
    assert await money_snapshot(runtime) == before
