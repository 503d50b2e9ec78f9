"""Sanctions (R-FIN-4) through the finance subgraph: audit findings consumed, the three kinds of sanction, a
stopped project cannot be paid, a reduction lowers what may be paid, recovery reaches only paid funds."""
import pytest

from services.finance.adapters.money_tables import audit_findings
from shared.events import Envelope, SanctionImposed
from tests.unit.finance.money_support import (
    BUDGET,
    OPEN_CHECK,
    RECORD_CHECK,
    SANCTION,
    codes,
    finding,
    money,
    money_snapshot,
    mutate,
    pay,
    payable,
    reported,
)
from tests.unit.finance.support import count, gql, outbox_events

AWAITING = "query($a: Boolean!) { auditFindingsForSanction(awaitingSanction: $a) { findingId violationType " \
           "requiresSanction } }"


async def sanction(runtime, kind, amount=0, finding_id="f-1", reason="Art 21 finding", **extra):
    return await mutate(runtime, SANCTION, "imposeSanction", input={
        "findingId": finding_id, "kind": kind, "amount": amount, "reason": reason, **extra})


async def test_R_FIN_4_a_finding_is_received_once_and_awaits_finances_decision(runtime):
    await reported(runtime)
    event = finding("p-1")
    await runtime.consumer(event)
    await runtime.consumer(Envelope.from_bytes(event.to_bytes()))
    await runtime.consumer(finding("p-1", finding_id="f-1"))  # the same finding in a new envelope
    assert await count(runtime, audit_findings) == 1
    awaiting = (await gql(runtime, AWAITING, a=True)).data["auditFindingsForSanction"]
    assert awaiting == [{"findingId": "f-1", "violationType": "MISAPPROPRIATION", "requiresSanction": True}]
    await sanction(runtime, "STOP_PAYMENTS")
    assert (await gql(runtime, AWAITING, a=True)).data["auditFindingsForSanction"] == []
    assert (await money(runtime))["moneyTrail"][-2]["action"] == "AUDIT_FINDING_RECEIVED"


async def test_R_FIN_4_an_other_finding_does_not_await_a_sanction_but_may_have_one(runtime):
    await reported(runtime)
    await runtime.consumer(finding("p-1", violation="OTHER"))
    assert (await gql(runtime, AWAITING, a=True)).data["auditFindingsForSanction"] == []
    assert (await gql(runtime, AWAITING, a=False)).data["auditFindingsForSanction"][0]["requiresSanction"] is False
    assert (await sanction(runtime, "REDUCE_BUDGET", 1_00))["userErrors"] == []


async def test_R_FIN_4_a_stopped_project_cannot_be_paid(runtime):
    await payable(runtime)
    assert (await pay(runtime, key="before"))["userErrors"] == []
    await runtime.consumer(finding("p-1", violation="RETENTION"))
    stopped = await sanction(runtime, "STOP_PAYMENTS")
    assert stopped["userErrors"] == [] and stopped["sanction"]["kind"] == "STOP_PAYMENTS"
    (event,) = await outbox_events(runtime, SanctionImposed.event_type)
    assert (event.payload().kind, event.payload().finding_id, event.payload().amount) == ("STOP_PAYMENTS", "f-1", 0)
    before = await money_snapshot(runtime)
    refused = await pay(runtime, key="after")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-FIN-4", ["input", "projectId"])]
    assert await money_snapshot(runtime) == before
    assert (await money(runtime))["balance"]["paymentsStopped"] is True
    assert codes(await sanction(runtime, "STOP_PAYMENTS")) == ["R-FIN-4"]  # already stopped


async def test_R_FIN_4_a_reduction_lowers_what_may_ever_be_paid(runtime):
    await payable(runtime, allocation=BUDGET)
    await pay(runtime, key="a", amount=BUDGET - 300_00)
    await runtime.consumer(finding("p-1", violation="FALSE_LISTING"))
    assert codes(await sanction(runtime, "REDUCE_BUDGET", 300_01)) == ["R-FIN-4"]  # more than is unpaid
    assert (await sanction(runtime, "REDUCE_BUDGET", 200_00))["userErrors"] == []
    balance = (await money(runtime))["balance"]
    assert (balance["effectiveBudget"], balance["remaining"]) == (BUDGET - 200_00, 100_00)
    assert any("approved budget" in e["message"] for e in (await pay(runtime, key="b", amount=100_01))["userErrors"])
    assert (await pay(runtime, key="c", amount=100_00))["userErrors"] == []


async def test_R_FIN_4_recovery_reaches_only_what_was_paid(runtime):
    await payable(runtime)
    await pay(runtime, key="a", amount=500_00)
    await runtime.consumer(finding("p-1", violation="FRAUDULENT_OBTAINING"))
    assert codes(await sanction(runtime, "RECOVER", 500_01)) == ["R-FIN-4"]
    assert (await sanction(runtime, "RECOVER", 300_00))["userErrors"] == []
    assert codes(await sanction(runtime, "RECOVER", 200_01)) == ["R-FIN-4"]
    assert (await money(runtime))["balance"]["recoveryOrdered"] == 300_00


@pytest.mark.parametrize("kind,amount,code", [("REDUCE_BUDGET", 0, "INVALID"), ("RECOVER", 0, "INVALID"),
                                              ("STOP_PAYMENTS", 5, "INVALID")])
async def test_R_FIN_4_the_amount_goes_with_the_kind(runtime, kind, amount, code):
    await payable(runtime)
    await runtime.consumer(finding("p-1"))
    assert codes(await sanction(runtime, kind, amount)) == [code]


async def test_R_FIN_4_a_sanction_needs_a_reason_and_a_basis(runtime):
    await payable(runtime)
    await runtime.consumer(finding("p-1"))
    before = await money_snapshot(runtime)
    assert codes(await sanction(runtime, "STOP_PAYMENTS", reason=" ")) == ["R-FIN-4"]
    assert codes(await sanction(runtime, "STOP_PAYMENTS", finding_id=None)) == ["INVALID"]
    assert codes(await sanction(runtime, "STOP_PAYMENTS", finding_id="no-such")) == ["NOT_FOUND"]
    assert await money_snapshot(runtime) == before


async def test_R_FIN_4_R_FIN_5_a_spot_check_that_found_misuse_is_a_basis_for_a_sanction(runtime):
    await payable(runtime)
    opened = await mutate(runtime, OPEN_CHECK, "openSpotCheck", input={"projectId": "p-1", "scope": "2026 payments"})
    check_id = opened["spotCheck"]["id"]
    early = await sanction(runtime, "STOP_PAYMENTS", finding_id=None, spotCheckId=check_id)
    assert codes(early) == ["R-FIN-4"]  # still open
    await mutate(runtime, RECORD_CHECK, "recordSpotCheckResult", input={
        "spotCheckId": check_id, "irregularitiesFound": True, "result": "invoices do not match deliveries"})
    done = await sanction(runtime, "STOP_PAYMENTS", finding_id=None, spotCheckId=check_id)
    assert done["userErrors"] == [] and done["sanction"]["spotCheckId"] == check_id
    assert codes(await pay(runtime)) == ["R-FIN-4"]
