"""Disbursement (R-FIN-1) through the finance subgraph on SQLite: caps, idempotency, the contract and plan gates
(R-PLN-2), the outbox event in the same transaction, nothing written on refusal, and concurrent requests."""
import asyncio

import pytest

from services.finance.adapters.money_tables import payments
from services.finance.domain.disbursement import PaymentRequest, TrancheKind
from services.finance.service_layer.payments import make_payment
from shared.events import PaymentMade
from tests.unit.finance.money_support import (
    BUDGET,
    NEXT_YEAR,
    THIS_YEAR,
    allocate,
    approve_plan,
    codes,
    contract,
    money,
    money_snapshot,
    pay,
    payable,
    reported,
)
from tests.unit.finance.support import FINANCE, count, outbox_events


async def test_R_FIN_1_a_payment_names_project_tranche_purpose_and_lands_in_the_outbox(runtime):
    await payable(runtime)
    paid = await pay(runtime, amount=123_45, key="k-1", tranche="advance", purpose="servers for the data centre")
    assert paid["userErrors"] == [] and paid["replayed"] is False
    assert paid["payment"] | {"id": None} == {
        "id": None, "projectId": "p-1", "year": THIS_YEAR, "kind": "CONSTRUCTION", "tranche": "advance",
        "purpose": "servers for the data centre", "amount": 123_45, "idempotencyKey": "k-1",
        "department": "FINANCE_BUREAU"}
    (event,) = await outbox_events(runtime, PaymentMade.event_type)
    payload = event.payload()
    assert (payload.payment_id, payload.project_id, payload.amount, payload.tranche, payload.kind) == (
        paid["payment"]["id"], "p-1", 123_45, "advance", "CONSTRUCTION")
    found = await money(runtime)
    assert found["balance"]["paid"] == 123_45 and found["balance"]["remaining"] == BUDGET - 123_45
    assert found["fundPlan"]["allocations"][0]["paid"] == 123_45
    assert found["moneyTrail"][-1] == {"action": "MAKE_PAYMENT", "department": "FINANCE_BUREAU"}


@pytest.mark.parametrize("field,value", [("tranche", "  "), ("purpose", "")])
async def test_R_FIN_1_a_payment_without_tranche_or_purpose_is_refused(runtime, field, value):
    await payable(runtime)
    before = await money_snapshot(runtime)
    refused = await pay(runtime, **{field: value})
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-FIN-1", ["input", field])]
    assert await money_snapshot(runtime) == before


async def test_R_FIN_1_the_same_key_and_content_pays_once_and_returns_the_first_payment(runtime):
    await payable(runtime)
    first = await pay(runtime, key="k-same", amount=500_00)
    again = await pay(runtime, key="k-same", amount=500_00)
    assert again["userErrors"] == [] and again["replayed"] is True
    assert again["payment"] == first["payment"]
    assert await count(runtime, payments) == 1
    assert len(await outbox_events(runtime, PaymentMade.event_type)) == 1
    assert (await money(runtime))["balance"]["paid"] == 500_00


async def test_R_FIN_1_the_same_key_with_other_content_is_a_user_error_and_pays_nothing(runtime):
    await payable(runtime)
    await pay(runtime, key="k-same", amount=500_00)
    before = await money_snapshot(runtime)
    different = await pay(runtime, key="k-same", amount=501_00)
    assert [(e["code"], e["field"]) for e in different["userErrors"]] == [("R-FIN-1", ["input", "idempotencyKey"])]
    assert different["payment"] is None
    assert await money_snapshot(runtime) == before


async def test_R_FIN_1_a_replay_still_answers_after_payments_were_stopped(runtime):
    """The request was paid once; asking again reports that payment, it does not pay or refuse anew."""
    await payable(runtime)
    first = await pay(runtime, key="k-1")
    from services.finance.adapters.money_tables import ledgers
    async with runtime.sessions() as session, session.begin():
        from sqlalchemy import update
        await session.execute(update(ledgers).values(payments_stopped=True))
    again = await pay(runtime, key="k-1")
    assert again["replayed"] is True and again["payment"] == first["payment"]
    assert codes(await pay(runtime, key="k-2")) == ["R-FIN-4"]


async def test_R_FIN_1_payments_up_to_exactly_the_allocation_pass_and_one_fen_more_is_refused(runtime):
    await payable(runtime, allocation=300_00)
    assert (await pay(runtime, key="a", amount=299_99))["userErrors"] == []
    before = await money_snapshot(runtime)
    over = await pay(runtime, key="b", amount=2)
    assert [(e["code"], e["field"]) for e in over["userErrors"]] == [("R-FIN-1", ["input", "amount"])]
    assert "allocation" in over["userErrors"][0]["message"]
    assert await money_snapshot(runtime) == before
    assert (await pay(runtime, key="c", amount=1))["userErrors"] == []
    assert (await money(runtime))["balance"]["paid"] == 300_00


async def test_R_FIN_1_payments_never_exceed_the_approved_budget(runtime):
    """This year's allocation is the whole budget (progress came early); the budget still caps the payments."""
    await reported(runtime, "p-1", budget=BUDGET)
    await runtime.consumer(contract("p-1"))
    assert (await allocate(runtime, "p-1", THIS_YEAR, BUDGET))["userErrors"] == []
    await approve_plan(runtime)
    assert (await pay(runtime, key="a", amount=BUDGET))["userErrors"] == []
    over = await pay(runtime, key="b", amount=1)
    assert codes(over) == ["R-FIN-1", "R-FIN-1"]  # both the year's allocation and the budget are exhausted
    assert any("approved budget" in e["message"] for e in over["userErrors"])


async def test_R_FIN_1_no_payment_before_the_contract_is_recorded(runtime):
    await reported(runtime)
    assert (await allocate(runtime, "p-1", THIS_YEAR, 100_00))["userErrors"] == []
    await approve_plan(runtime)
    refused = await pay(runtime)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-FIN-1", ["input", "projectId"])]
    assert "contract" in refused["userErrors"][0]["message"]
    await runtime.consumer(contract("p-1"))
    assert (await pay(runtime))["userErrors"] == []


async def test_R_PLN_2_no_payment_without_the_approved_special_fund_plan_of_the_year(runtime):
    await payable(runtime, plan=False)
    assert codes(await pay(runtime)) == ["R-PLN-2"]
    await approve_plan(runtime)
    assert (await pay(runtime))["userErrors"] == []


async def test_R_PLN_2_a_project_missing_from_the_approved_plan_draws_nothing(runtime):
    await payable(runtime, "p-1")  # approves the plan with p-1 only
    await reported(runtime, "p-2")
    await runtime.consumer(contract("p-2"))
    refused = await pay(runtime, project_id="p-2", key="k-p2")
    assert codes(refused) == ["R-PLN-2"] and "no line for this project" in refused["userErrors"][0]["message"]


async def test_an_unknown_project_cannot_be_paid(runtime):
    refused = await pay(runtime, project_id="nobody")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("NOT_FOUND", ["projectId"])]


async def test_R_FIN_1_next_years_allocation_is_not_paid_this_year(runtime):
    await reported(runtime)
    await runtime.consumer(contract("p-1"))
    assert (await allocate(runtime, "p-1", NEXT_YEAR, 100_00))["userErrors"] == []
    await approve_plan(runtime, year=NEXT_YEAR)
    assert codes(await pay(runtime)) == ["R-PLN-2"]  # this year has no plan, next year's is not this year's


async def test_R_FIN_1_concurrent_requests_on_sqlite_never_overspend(runtime):
    await payable(runtime, allocation=1_000_00)
    requests = [PaymentRequest("p-1", TrancheKind.CONSTRUCTION, "t", "p", 300_00, f"k-{i}") for i in range(8)]
    results = await asyncio.gather(*(make_payment(runtime.uow, r, FINANCE) for r in requests),
                                   return_exceptions=True)
    paid = [r for r in results if not isinstance(r, Exception)]
    assert len(paid) == 3
    assert all(getattr(e, "violations", [None])[0].code == "R-FIN-1" for e in results if isinstance(e, Exception))
    assert (await money(runtime))["balance"]["paid"] == 900_00
