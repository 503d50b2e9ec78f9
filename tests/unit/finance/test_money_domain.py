"""Finance's money decisions as pure functions: no database, no GraphQL. Given the ledger, the allocations, the
plan and the facts, when a command is decided, then the new state and its trail entry, or the rule that refuses."""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from services.finance.domain import funding, oversight
from services.finance.domain import special_fund_plan as sfp
from services.finance.domain.disbursement import (
    Payment,
    PaymentContext,
    PaymentRequest,
    TrancheKind,
    decide_payment,
    replay,
    request_problems,
)
from services.finance.domain.history import Actor
from services.finance.domain.permissions import PERMISSIONS, Command, authorize
from services.finance.domain.project_facts import (
    AcceptanceFacts,
    ContractFacts,
    OmFunds,
    OperationFacts,
    PerformanceFacts,
    ProjectFacts,
    Rectification,
    om_funds,
)
from services.finance.domain.sanctions import Finding, SanctionKind, SanctionOrder, basis_project, impose
from shared.auth import Department, Identity
from shared.errors import DomainError, PermissionDenied
from shared.events import ViolationType

NOW = datetime(2026, 5, 1, 2, 0, tzinfo=timezone.utc)
YEAR = 2026
CLERK = Actor("FINANCE_BUREAU", "finance-bureau", "clerk-1")
BUDGET = 1_000_00
APPLICATION = funding.FundApplication("p-1", BUDGET, True, ((2026, 400_00), (2027, 600_00), (2028, 0)))
LEDGER = funding.Ledger("p-1", approved_budget=BUDGET)


def codes(error: DomainError):
    return [(v.code, v.field) for v in error.value.violations]


def allocate(year, amount, *, application=APPLICATION, ledger=LEDGER, allocations=None, plan_status=None):
    return funding.set_allocation(application, ledger, allocations or {}, year=year, amount=amount, note=None,
                                  current_year=YEAR, plan_status=plan_status, actor=CLERK, now=NOW)


# --- R-FIN-2: yearly allocations ---------------------------------------------------------------------------------

def test_R_FIN_2_a_planned_year_is_allocated_by_progress_even_beyond_its_plan():
    allocation, entry = allocate(2026, 500_00)
    assert (allocation.year, allocation.amount, entry.action) == (2026, 500_00, "SET_FUND_ALLOCATION")


@pytest.mark.parametrize("year", [2028, 2029])
def test_R_FIN_2_a_year_without_planned_expenditure_gets_nothing(year):
    with pytest.raises(DomainError) as refused:
        allocate(year, 1)
    assert codes(refused) == [("R-FIN-2", ("input", "year"))]
    assert allocate(year, 0)[0].amount == 0  # nothing is nothing


def test_R_FIN_2_the_allocations_never_add_up_above_the_budget_after_reductions():
    held = {2026: funding.Allocation("p-1", 2026, 400_00)}
    assert allocate(2027, 600_00, allocations=held)[0].amount == 600_00
    with pytest.raises(DomainError) as refused:
        allocate(2027, 600_01, allocations=held)
    assert codes(refused) == [("R-FIN-2", ("input", "amount"))]
    with pytest.raises(DomainError):
        allocate(2027, 600_00, allocations=held, ledger=replace(LEDGER, reductions=1))


def test_R_FIN_1_an_allocation_never_drops_below_what_was_paid_from_it():
    held = {2026: funding.Allocation("p-1", 2026, 400_00, paid=300_00)}
    with pytest.raises(DomainError) as refused:
        allocate(2026, 299_99, allocations=held)
    assert codes(refused) == [("R-FIN-1", ("input", "amount"))]
    assert allocate(2026, 300_00, allocations=held)[0].paid == 300_00


def test_R_FIN_2_no_allocation_without_the_reported_budget_or_for_a_past_year():
    with pytest.raises(DomainError):
        allocate(2026, 1, application=replace(APPLICATION, approved_budget=None))
    with pytest.raises(DomainError) as past:
        allocate(2025, 0)
    assert codes(past) == [("R-FIN-2", ("input", "year"))]


@pytest.mark.parametrize("status", ["SUBMITTED", "APPROVED"])
def test_R_PLN_2_a_submitted_or_approved_plan_fixes_the_years_allocations(status):
    with pytest.raises(DomainError) as refused:
        allocate(2026, 1, plan_status=status)
    assert codes(refused) == [("R-PLN-2", ("input", "year"))]


def test_R_APP_3_a_single_year_project_is_funded_in_one_year():
    single = funding.FundApplication("p-1", BUDGET, False, ())
    held = {2027: funding.Allocation("p-1", 2027, 1)}
    with pytest.raises(DomainError) as refused:
        allocate(2026, 1, application=single, allocations=held)
    assert codes(refused) == [("R-APP-3", ("input", "year"))]
    assert allocate(2027, 2, application=single, allocations=held)[0].amount == 2


# --- R-PLN-2: the special-fund annual plan -----------------------------------------------------------------------

def drafted():
    return sfp.draft(None, [sfp.PlanLine("p-2", 20), sfp.PlanLine("p-1", 10), sfp.PlanLine("p-3", 0)], plan_id="pl",
                     jurisdiction="CITY", year=YEAR, current_year=YEAR, actor=CLERK, now=NOW)[0]


def signed_by_both():
    plan = sfp.sign(drafted(), department="FINANCE_BUREAU", actor=CLERK, now=NOW)[0]
    return sfp.sign(plan, department="APPROVAL_BUREAU", actor=CLERK, now=NOW)[0]


def test_R_PLN_2_the_draft_sums_the_positive_allocations():
    plan = drafted()
    assert plan.status is sfp.PlanStatus.DRAFTING and plan.total == 30
    assert [line.project_id for line in plan.lines] == ["p-1", "p-2"]


def test_R_PLN_2_both_signatures_submit_the_plan_and_only_then_may_it_be_approved():
    once = sfp.sign(drafted(), department="FINANCE_BUREAU", actor=CLERK, now=NOW)[0]
    assert once.status is sfp.PlanStatus.DRAFTING
    with pytest.raises(DomainError):
        sfp.review(once, approve=True, reason=None, actor=CLERK, now=NOW)
    with pytest.raises(DomainError):
        sfp.sign(once, department="FINANCE_BUREAU", actor=CLERK, now=NOW)
    both = signed_by_both()
    assert both.status is sfp.PlanStatus.SUBMITTED
    approved, entry = sfp.review(both, approve=True, reason=None, actor=CLERK, now=NOW)
    assert approved.status is sfp.PlanStatus.APPROVED and entry.action == "APPROVE"


def test_R_PLN_2_a_refreshed_line_voids_the_signatures():
    once = sfp.sign(drafted(), department="APPROVAL_BUREAU", actor=CLERK, now=NOW)[0]
    refreshed, entry = sfp.refresh_line(once, "p-1", 0, actor=CLERK, now=NOW)
    assert refreshed.signatures == () and refreshed.total == 20
    assert entry.detail["signatures_voided"] == ["APPROVAL_BUREAU"]


def test_R_PLN_2_funds_are_drawn_only_through_the_approved_plan():
    assert sfp.draws_through(None, "p-1", YEAR).code == "R-PLN-2"
    assert sfp.draws_through(signed_by_both(), "p-1", YEAR).code == "R-PLN-2"
    approved = sfp.review(signed_by_both(), approve=True, reason=None, actor=CLERK, now=NOW)[0]
    assert sfp.draws_through(approved, "p-1", YEAR) is None
    assert sfp.draws_through(approved, "p-9", YEAR).code == "R-PLN-2"


# --- R-FIN-1: payments ------------------------------------------------------------------------------------------

def approved_plan(amount=500_00):
    plan = sfp.draft(None, [sfp.PlanLine("p-1", amount)], plan_id="pl", jurisdiction="CITY", year=YEAR,
                     current_year=YEAR, actor=CLERK, now=NOW)[0]
    plan = sfp.sign(sfp.sign(plan, department="FINANCE_BUREAU", actor=CLERK, now=NOW)[0],
                    department="APPROVAL_BUREAU", actor=CLERK, now=NOW)[0]
    return sfp.review(plan, approve=True, reason=None, actor=CLERK, now=NOW)[0]


CONTRACTED = ProjectFacts("p-1", contract=ContractFacts("HT-1", BUDGET, date(2026, 1, 2)))


def context(**changes):
    values = dict(ledger=LEDGER, facts=CONTRACTED, year=YEAR, allocation=funding.Allocation("p-1", YEAR, 500_00),
                  plan=approved_plan())
    values.update(changes)
    return PaymentContext(**values)


def request(amount=100_00, kind=TrancheKind.CONSTRUCTION, key="k-1"):
    return PaymentRequest("p-1", kind, "progress 1", "servers", amount, key)


def pay(req=None, **changes):
    return decide_payment(req or request(), context(**changes), payment_id="pay-1", actor=CLERK, now=NOW)


def refused_codes(req=None, **changes):
    with pytest.raises(DomainError) as refused:
        pay(req, **changes)
    return [v.code for v in refused.value.violations]


def test_R_FIN_1_a_payment_moves_the_ledger_and_the_years_allocation():
    payment, ledger, allocation, entry = pay()
    assert (payment.amount, payment.year, ledger.paid, allocation.paid, allocation.om_paid) == (
        100_00, YEAR, 100_00, 100_00, 0)
    assert entry.action == "MAKE_PAYMENT" and entry.reason == "servers"


def test_R_FIN_1_a_payment_names_tranche_and_purpose_and_a_positive_amount():
    blank = PaymentRequest("p-1", TrancheKind.CONSTRUCTION, " ", "", 0, "")
    assert sorted(v.code for v in request_problems(blank)) == ["INVALID", "INVALID", "R-FIN-1", "R-FIN-1"]


def test_R_FIN_1_exactly_the_allocation_passes_and_one_fen_more_is_refused():
    assert pay(request(500_00))[2].paid == 500_00
    assert refused_codes(request(500_01)) == ["R-FIN-1"]
    assert refused_codes(request(1), allocation=funding.Allocation("p-1", YEAR, 500_00, paid=500_00)) == ["R-FIN-1"]


def test_R_FIN_1_the_approved_budget_after_reductions_caps_every_payment():
    ledger = replace(LEDGER, paid=900_00, reductions=50_00)
    assert pay(request(50_00), ledger=ledger)[1].paid == 950_00
    assert refused_codes(request(50_01), ledger=ledger) == ["R-FIN-1"]


def test_R_FIN_1_a_plan_line_lower_than_the_allocation_caps_too():
    assert refused_codes(request(400_01), plan=approved_plan(400_00)) == ["R-FIN-1"]


def test_R_FIN_1_no_payment_without_a_contract_or_an_approved_budget():
    assert refused_codes(facts=ProjectFacts("p-1")) == ["R-FIN-1"]
    assert refused_codes(ledger=funding.Ledger("p-1")) == ["R-FIN-1"]


def test_R_FIN_4_a_stop_refuses_every_payment():
    assert refused_codes(ledger=replace(LEDGER, payments_stopped=True)) == ["R-FIN-4"]


def test_R_PLN_2_no_payment_outside_the_approved_plan():
    assert refused_codes(plan=None) == ["R-PLN-2"]
    assert refused_codes(plan=drafted()) == ["R-PLN-2"]


def test_R_FIN_1_the_same_key_replays_only_the_same_request():
    first = Payment("pay-1", "k-1", "p-1", YEAR, TrancheKind.CONSTRUCTION, "progress 1", "servers", 100_00, NOW, CLERK)
    assert replay(first, request()) is first
    with pytest.raises(DomainError) as refused:
        replay(first, request(100_01))
    assert codes(refused) == [("R-FIN-1", ("input", "idempotencyKey"))]
    with pytest.raises(DomainError):
        replay(first, request(kind=TrancheKind.OM))


# --- R-PER-2: O&M funds ------------------------------------------------------------------------------------------

OPERATING = replace(CONTRACTED, operation=OperationFacts(date(2026, 1, 3), 3, 200_00, "IT office"))


def review(year, rectification, day=1):
    return PerformanceFacts(year, rectification is Rectification.NOT_NEEDED, rectification,
                            datetime(2027, 3, day, tzinfo=timezone.utc))


def test_R_PER_2_om_funds_by_the_rectification_status():
    assert om_funds(CONTRACTED) is OmFunds.NOT_IN_OPERATION
    assert om_funds(OPERATING) is OmFunds.RELEASED  # before the first review
    assert om_funds(replace(OPERATING, performance=(review(2026, Rectification.NOT_NEEDED),))) is OmFunds.RELEASED
    assert om_funds(replace(OPERATING, performance=(review(2026, Rectification.DONE),))) is OmFunds.RELEASED
    held = replace(OPERATING, performance=(review(2026, Rectification.ORDERED), review(2027, Rectification.DONE)))
    assert om_funds(held) is OmFunds.HELD  # an older year's order still outstanding holds them


def test_R_PER_2_an_om_payment_is_held_while_a_rectification_is_ordered():
    om = request(kind=TrancheKind.OM)
    assert refused_codes(om) == ["R-ACC-5"]
    assert refused_codes(om, facts=replace(OPERATING, performance=(review(2026, Rectification.ORDERED),))) == [
        "R-PER-2"]
    assert pay(om, facts=OPERATING)[2].om_paid == 100_00


def test_R_OPS_1_om_payments_stay_within_the_yearly_om_funding():
    om = request(100_01, kind=TrancheKind.OM)
    assert refused_codes(om, facts=OPERATING, allocation=funding.Allocation("p-1", YEAR, 500_00, 100_00, 100_00)) \
        == ["R-OPS-1"]


# --- R-FIN-4: sanctions -----------------------------------------------------------------------------------------

FINDING = Finding("f-1", "p-1", "e-1", ViolationType.MISAPPROPRIATION, 10_00, "cars", NOW)


def sanction(kind, amount=0, ledger=LEDGER, reason="Art 21"):
    return impose(ledger, SanctionOrder(kind, amount, reason), finding=FINDING, spot_check_id=None,
                  sanction_id="s-1", actor=CLERK, now=NOW)


@pytest.mark.parametrize("violation", sorted(set(ViolationType) - {ViolationType.OTHER}))
def test_R_FIN_4_the_six_named_violations_require_a_sanction_other_does_not(violation):
    assert replace(FINDING, violation_type=violation).requires_sanction
    assert not replace(FINDING, violation_type=ViolationType.OTHER).requires_sanction


def test_R_FIN_4_the_three_sanctions_move_the_ledger():
    paid = replace(LEDGER, paid=300_00)
    assert sanction(SanctionKind.REDUCE_BUDGET, 700_00, paid)[1].effective_budget == 300_00
    assert sanction(SanctionKind.STOP_PAYMENTS, ledger=paid)[1].payments_stopped
    assert sanction(SanctionKind.RECOVER, 300_00, paid)[1].recovery_ordered == 300_00


def test_R_FIN_4_a_reduction_reaches_only_unpaid_funds_and_a_recovery_only_paid_ones():
    paid = replace(LEDGER, paid=300_00, recovery_ordered=100_00)
    with pytest.raises(DomainError) as reduce:
        sanction(SanctionKind.REDUCE_BUDGET, 700_01, paid)
    with pytest.raises(DomainError) as recover:
        sanction(SanctionKind.RECOVER, 200_01, paid)
    assert codes(reduce) == codes(recover) == [("R-FIN-4", ("input", "amount"))]


def test_R_FIN_4_a_spot_check_is_a_basis_only_once_it_found_misuse():
    check = oversight.SpotCheck("c-1", "p-9", "scope", NOW, CLERK)
    with pytest.raises(DomainError):
        basis_project(finding=None, spot_check=check)
    with pytest.raises(DomainError):
        basis_project(finding=None, spot_check=replace(check, concluded_at=NOW, irregularities_found=False))
    assert basis_project(finding=None, spot_check=replace(check, concluded_at=NOW, irregularities_found=True)) == "p-9"
    with pytest.raises(DomainError):
        basis_project(finding=None, spot_check=None)
    assert basis_project(finding=FINDING, spot_check=None) == "p-1"


# --- R-FIN-6, R-FIN-3: after acceptance ---------------------------------------------------------------------------

def accepted(investment=BUDGET, self_funded=False):
    return replace(CONTRACTED, acceptance=AcceptanceFacts(NOW, investment, BUDGET, BUDGET, self_funded))


def test_R_FIN_6_the_settlement_review_is_for_projects_below_20M_only():
    assert oversight.review_settlement(accepted(2_000_000_000 - 1), None, amount=1, note=None, actor=CLERK,
                                       now=NOW)[0].settlement_amount == 1
    with pytest.raises(DomainError) as exactly:
        oversight.review_settlement(accepted(2_000_000_000), None, amount=1, note=None, actor=CLERK, now=NOW)
    assert codes(exactly) == [("R-FIN-6", ("input", "projectId"))]
    with pytest.raises(DomainError):
        oversight.review_settlement(CONTRACTED, None, amount=1, note=None, actor=CLERK, now=NOW)


def test_R_FIN_3_a_reward_for_a_self_funded_accepted_project_up_to_its_investment():
    assert oversight.grant_reward(accepted(self_funded=True), None, amount=BUDGET, reason="r", actor=CLERK,
                                  now=NOW)[0].amount == BUDGET
    for facts, amount in ((accepted(self_funded=False), 1), (accepted(self_funded=True), BUDGET + 1), (CONTRACTED, 1)):
        with pytest.raises(DomainError) as refused:
            oversight.grant_reward(facts, None, amount=amount, reason="r", actor=CLERK, now=NOW)
        assert refused.value.violations[0].code == "R-FIN-3"


# --- Article 5 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", list(Command))
def test_article_5_each_money_command_is_refused_to_other_departments(command):
    allowed = PERMISSIONS[command].departments
    for department in Department:
        identity = Identity(department, unit="u")
        if department in allowed:
            authorize(command, identity)
        else:
            with pytest.raises(PermissionDenied) as refused:
                authorize(command, identity)
            assert all(d.value in str(refused.value) for d in allowed)
