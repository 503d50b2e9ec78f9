"""Article 5 for Finance's money mutations (only the Finance Bureau decides; the refusal names it; nothing is
written) and R-SEC-2 for Finance's fields on the federated Project (need to know)."""
import pytest

from shared.auth import Department, Identity
from tests.unit.finance.money_support import (
    OPEN_CHECK,
    OTHER_UNIT,
    PAY,
    RECORD_CHECK,
    REWARD,
    SANCTION,
    SETTLEMENT,
    UNIT,
    accepted,
    finding,
    money,
    money_snapshot,
    mutate,
    pay,
    payable,
    payment_input,
)
from tests.unit.finance.support import gql

OUTSIDERS = [d for d in Department if d is not Department.FINANCE_BUREAU]
MUTATIONS = [
    (PAY, {"input": payment_input(key="outsider")}),
    (SANCTION, {"input": {"findingId": "f-1", "kind": "STOP_PAYMENTS", "reason": "Art 21"}}),
    (SETTLEMENT, {"input": {"projectId": "p-1", "settlementAmount": 1}}),
    (REWARD, {"input": {"projectId": "p-1", "amount": 1, "reason": "x"}}),
    (OPEN_CHECK, {"input": {"projectId": "p-1", "scope": "x"}}),
    (RECORD_CHECK, {"input": {"spotCheckId": "any", "irregularitiesFound": True, "result": "x"}}),
]


@pytest.mark.parametrize("mutation,variables", MUTATIONS, ids=[m[0].split("(")[2].split()[-1] for m in MUTATIONS])
async def test_every_money_mutation_is_the_finance_bureaus_and_writes_nothing_for_others(runtime, mutation, variables):
    await payable(runtime)
    await runtime.consumer(finding("p-1"))
    await runtime.consumer(accepted("p-1", self_funded=True))
    before = await money_snapshot(runtime)
    for department in OUTSIDERS:
        result = await gql(runtime, mutation, Identity(department, unit="health-commission"), **variables)
        (error,) = result.errors
        refusal = "UNAUTHENTICATED" if department is Department.PUBLIC else "FORBIDDEN"  # no token: not signed in
        assert error.extensions["code"] == refusal and "FINANCE_BUREAU" in error.message, department
    assert await money_snapshot(runtime) == before


@pytest.mark.parametrize("department", OUTSIDERS)
async def test_the_findings_to_sanction_are_listed_for_the_finance_bureau_only(runtime, department):
    result = await gql(runtime, "{ auditFindingsForSanction { findingId } }", Identity(department, unit="u"))
    assert result.errors[0].extensions["code"] in {"FORBIDDEN", "UNAUTHENTICATED"}


async def test_R_SEC_2_a_projects_money_is_seen_by_need_to_know_only(runtime):
    await payable(runtime, "p-open")
    await pay(runtime, project_id="p-open", key="k-open")
    own = await money(runtime, "p-open", UNIT)
    assert own["payments"][0]["amount"] == 100_00 and own["balance"]["paid"] == 100_00
    for stranger in (OTHER_UNIT, Identity(Department.PUBLIC)):
        hidden = await money(runtime, "p-open", stranger)
        assert set(hidden.values()) == {None}, hidden


async def test_R_SEC_2_a_classified_projects_money_is_hidden_from_the_uncleared(runtime):
    await payable(runtime, "p-secret", classified=True)
    overseer = Identity(Department.SUPERVISORY_COMMISSION, unit="commission")
    assert set((await money(runtime, "p-secret", overseer)).values()) == {None}
    cleared = Identity(Department.SUPERVISORY_COMMISSION, unit="commission", roles=("SECRECY_CLEARANCE",))
    assert (await money(runtime, "p-secret", cleared))["balance"]["approvedBudget"] is not None
    assert (await money(runtime, "p-secret", Identity(Department.AUDIT_BUREAU, unit="audit")))["fundPlan"]


async def test_money_a_float_or_negative_amount_is_refused_by_the_fen_scalar(runtime):
    await payable(runtime)
    before = await money_snapshot(runtime)
    for amount in (1.5, -1, "1.50"):
        result = await gql(runtime, PAY, input=payment_input(amount=amount))
        assert result.errors and result.errors[0].extensions["code"] == "BAD_USER_INPUT", amount
    literal = await gql(runtime, 'mutation { makePayment(input: {projectId: "p-1", kind: CONSTRUCTION, tranche: "t",'
                                 ' purpose: "p", amount: 10.0, idempotencyKey: "k"}) { replayed } }')
    assert literal.errors
    assert await money_snapshot(runtime) == before
    assert (await mutate(runtime, PAY, "makePayment", input=payment_input(amount=0)))["userErrors"][0]["code"] == \
        "INVALID"
