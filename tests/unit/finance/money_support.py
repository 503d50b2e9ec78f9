"""Builders for the finance money tests (fund plans, payments, sanctions, settlement, rewards, spot checks), on
SQLite here and PostgreSQL in tests/integration. Years are relative to the current budget year, since allocations
and payments are for the year they are made in."""
from __future__ import annotations

from datetime import date, timedelta

from shared.auth import Department, Identity
from shared.clock import budget_year, utc_now
from shared.events import (
    AuditFindingPublished,
    ContractRecorded,
    OperationStarted,
    PerformanceReviewed,
    ProjectAccepted,
    TechnicalReviewConcluded,
)
from tests.unit.finance.support import FINANCE, T0, approved, gql, issue_report, set_line, wrap

THIS_YEAR = budget_year(utc_now())
NEXT_YEAR = THIS_YEAR + 1
BUDGET = 1_000_000_00  # 1,000,000 yuan in fen
APPROVAL = Identity(Department.APPROVAL_BUREAU, unit="approval-bureau", subject="approval-clerk")
LEADING_GROUP = Identity(Department.LEADING_GROUP, unit="leading-group", subject="group-secretary")
UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="health-commission", parent_units=("city-government",))
OTHER_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau", parent_units=("city-government",))
THRESHOLD = 20_000_000_00  # 20M yuan in fen


def cross_year_opinion(project_id, *, estimate=BUDGET, this_year=None, next_year=None, idle_year=True,
                       cross_year=True, classified=False):
    """The review opinion with the yearly plan: this year, next year, and (by default) a year with nothing."""
    plan = [{"year": THIS_YEAR, "amount": estimate // 2 if this_year is None else this_year},
            {"year": NEXT_YEAR, "amount": estimate - estimate // 2 if next_year is None else next_year}]
    if idle_year:
        plan.append({"year": NEXT_YEAR + 1, "amount": 0})
    return wrap(TechnicalReviewConcluded(
        project_id=project_id, code="CITY-2026-0001", approved_estimate=estimate, classified=classified,
        fund_sources=[{"source": "FISCAL", "amount": estimate}], cross_year=cross_year,
        yearly_plan=plan if cross_year else [], concluded_at=T0 + timedelta(days=10)))


def contract(project_id, contract_sum=BUDGET):
    return wrap(ContractRecorded(project_id=project_id, code="CITY-2026-0001", contract_id="HT-1",
                                 vendor_ids=["v-1"], contract_sum=contract_sum, signed_on=date(THIS_YEAR, 1, 2)))


def accepted(project_id, *, investment=BUDGET, self_funded=False, classified=False):
    return wrap(ProjectAccepted(
        project_id=project_id, code="CITY-2026-0001", unit_id="health-commission",
        unit_path=["health-commission", "city-government"], jurisdiction="CITY", kind="APPLICATION_SYSTEM_NEW",
        investment=investment, approved_budget=BUDGET, contract_sum=BUDGET, self_funded=self_funded,
        classified=classified, accepted_at=T0 + timedelta(days=200)))


def operation(project_id, om_annual_funding=50_000_00):
    return wrap(OperationStarted(project_id=project_id, code="CITY-2026-0001", om_years=3,
                                 operating_organisation="IT office", om_annual_funding=om_annual_funding,
                                 started_on=date(THIS_YEAR, 1, 3)))


def performance(project_id, rectification, *, year=THIS_YEAR, days=300):
    return wrap(PerformanceReviewed(project_id=project_id, code="CITY-2026-0001", year=year,
                                    targets_met=rectification == "NOT_NEEDED", rectification=rectification,
                                    reviewed_at=T0 + timedelta(days=days)))


def finding(project_id, violation="MISAPPROPRIATION", finding_id="f-1", amount=10_000_00):
    return wrap(AuditFindingPublished(finding_id=finding_id, engagement_id="e-1", project_id=project_id,
                                      violation_type=violation, amount=amount, summary="funds used for cars",
                                      published_at=T0 + timedelta(days=250)), source="audit")


async def reported(runtime, project_id="p-1", *, budget=BUDGET, opinion=None, classified=False, unit_path=None,
                   jurisdiction="CITY"):
    """A project approved, reviewed and reported at `budget` (the approved budget of its ledger)."""
    extra = {"unit_path": unit_path} if unit_path else {}
    extra["jurisdiction"] = jurisdiction
    await runtime.consumer(approved(project_id, classified=classified, **extra))
    await runtime.consumer(opinion or cross_year_opinion(project_id, estimate=budget, classified=classified))
    assert (await set_line(runtime, project_id, "EQUIPMENT", budget, budget))["userErrors"] == []
    if classified:
        from tests.unit.finance.support import secrecy_passed
        await runtime.consumer(secrecy_passed(project_id))
    assert (await issue_report(runtime, project_id))["userErrors"] == []


SET_ALLOCATION = """
mutation($input: SetFundAllocationInput!) {
  setFundAllocation(input: $input) {
    fundPlan { approvedBudget effectiveBudget allocatedTotal crossYear yearlyPlan { year amount }
               allocations { year amount paid omPaid available progressNote planStatus inApprovedPlan } }
    userErrors { code field message }
  }
}"""
PLAN_FIELDS = ("plan { id jurisdiction year status total lines { projectId amount } signatures { department } "
               "returnReason history { action department reason } }")
DRAFT_PLAN = f"""mutation($j: String!, $y: Int!) {{ draftSpecialFundPlan(jurisdiction: $j, year: $y) {{
  {PLAN_FIELDS} userErrors {{ code field message }} }} }}"""
SIGN_PLAN = f"""mutation($j: String!, $y: Int!) {{ signSpecialFundPlan(jurisdiction: $j, year: $y) {{
  {PLAN_FIELDS} userErrors {{ code field message }} }} }}"""
REVIEW_PLAN = f"""mutation($j: String!, $y: Int!, $a: Boolean!, $r: String) {{
  reviewSpecialFundPlan(jurisdiction: $j, year: $y, approve: $a, reason: $r) {{
  {PLAN_FIELDS} userErrors {{ code field message }} }} }}"""
PAY = """
mutation($input: MakePaymentInput!) {
  makePayment(input: $input) {
    payment { id projectId year kind tranche purpose amount idempotencyKey department }
    replayed
    userErrors { code field message }
  }
}"""
SANCTION = """
mutation($input: ImposeSanctionInput!) {
  imposeSanction(input: $input) {
    sanction { id projectId kind amount reason findingId spotCheckId }
    userErrors { code field message }
  }
}"""
SETTLEMENT = """
mutation($input: ReviewSettlementInput!) {
  reviewSettlement(input: $input) { settlement { settlementAmount note } userErrors { code field message } }
}"""
REWARD = """
mutation($input: GrantRewardInput!) {
  grantReward(input: $input) { reward { amount reason } userErrors { code field message } }
}"""
OPEN_CHECK = """
mutation($input: OpenSpotCheckInput!) {
  openSpotCheck(input: $input) { spotCheck { id status scope } userErrors { code field message } }
}"""
RECORD_CHECK = """
mutation($input: RecordSpotCheckResultInput!) {
  recordSpotCheckResult(input: $input) {
    spotCheck { id status irregularitiesFound result } userErrors { code field message }
  }
}"""
MONEY = """
query($p: _Any!) {
  _entities(representations: [$p]) {
    ... on Project {
      budgetReview { status approvedBudget }
      fundPlan { approvedBudget effectiveBudget allocatedTotal allocations { year amount paid omPaid inApprovedPlan } }
      payments { amount kind tranche year idempotencyKey }
      balance { approvedBudget reductions effectiveBudget paid remaining recoveryOrdered paymentsStopped omFunds }
      sanctions { kind amount findingId spotCheckId }
      settlement { settlementAmount }
      reward { amount }
      spotChecks { status irregularitiesFound }
      moneyTrail { action department }
    }
  }
}"""


async def mutate(runtime, query, name, identity=FINANCE, **variables):
    result = await gql(runtime, query, identity, **variables)
    assert result.errors is None, result.errors
    return result.data[name]


async def allocate(runtime, project_id, year, amount, note=None, identity=FINANCE):
    return await mutate(runtime, SET_ALLOCATION, "setFundAllocation", identity, input={
        "projectId": project_id, "year": year, "amount": amount, "progressNote": note})


async def approve_plan(runtime, year=THIS_YEAR, jurisdiction="CITY"):
    """Finance drafts, both departments sign, the Leading Group approves (R-PLN-2)."""
    assert (await mutate(runtime, DRAFT_PLAN, "draftSpecialFundPlan", j=jurisdiction, y=year))["userErrors"] == []
    assert (await mutate(runtime, SIGN_PLAN, "signSpecialFundPlan", j=jurisdiction, y=year))["userErrors"] == []
    assert (await mutate(runtime, SIGN_PLAN, "signSpecialFundPlan", APPROVAL, j=jurisdiction, y=year)
            )["userErrors"] == []
    done = await mutate(runtime, REVIEW_PLAN, "reviewSpecialFundPlan", LEADING_GROUP, j=jurisdiction, y=year, a=True)
    assert done["userErrors"] == [] and done["plan"]["status"] == "APPROVED", done
    return done["plan"]


async def payable(runtime, project_id="p-1", *, allocation=BUDGET // 2, budget=BUDGET, plan=True, **kwargs):
    """Reported, contracted, allocated this year and (by default) in the approved special-fund plan."""
    await reported(runtime, project_id, budget=budget, **kwargs)
    await runtime.consumer(contract(project_id))
    assert (await allocate(runtime, project_id, THIS_YEAR, allocation))["userErrors"] == []
    if plan:
        await approve_plan(runtime)


def payment_input(project_id="p-1", amount=100_00, key="k-1", kind="CONSTRUCTION", tranche="progress 1",
                  purpose="servers"):
    return {"projectId": project_id, "kind": kind, "tranche": tranche, "purpose": purpose, "amount": amount,
            "idempotencyKey": key}


async def pay(runtime, identity=FINANCE, **kwargs):
    return await mutate(runtime, PAY, "makePayment", identity, input=payment_input(**kwargs))


async def money(runtime, project_id="p-1", identity=FINANCE):
    result = await gql(runtime, MONEY, identity, p={"__typename": "Project", "id": project_id})
    assert result.errors is None, result.errors
    return result.data["_entities"][0]


def codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def money_snapshot(runtime) -> tuple:
    """Every money row a command could write, to show that a refused one wrote nothing."""
    from sqlalchemy import select

    from services.finance.adapters import money_tables as m
    from services.finance.adapters.orm import trail

    tables = (m.ledgers, m.allocations, m.plans, m.plan_lines, m.payments, m.sanctions, m.settlements, m.rewards,
              m.spot_checks, trail.entries, trail.head, runtime.outbox)
    relay_columns = {"published_at", "attempts", "last_error"}  # the outbox relay changes these by design
    async with runtime.sessions() as session:
        rows = []
        for table in tables:
            columns = [c for c in table.c if not (table is runtime.outbox and c.name in relay_columns)]
            found = (await session.execute(select(*columns))).all()
            rows.append(tuple(sorted(tuple(str(v) for v in row) for row in found)))
    return tuple(rows)
