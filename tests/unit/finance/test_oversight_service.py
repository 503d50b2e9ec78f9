"""Settlement review (R-FIN-6), reward or subsidy (R-FIN-3), spot checks (R-FIN-5) and O&M funds by the
performance rectification status (R-PER-2, R-OPS-1) through the finance subgraph."""
from shared.events import Envelope, RewardGranted, SettlementReviewed, SpotCheckConcluded
from tests.unit.finance.money_support import (
    OPEN_CHECK,
    RECORD_CHECK,
    REWARD,
    SETTLEMENT,
    THRESHOLD,
    accepted,
    codes,
    money,
    money_snapshot,
    mutate,
    operation,
    pay,
    payable,
    performance,
    reported,
)
from tests.unit.finance.support import outbox_events


async def settle_at(runtime, amount, project_id="p-1"):
    return await mutate(runtime, SETTLEMENT, "reviewSettlement", input={
        "projectId": project_id, "settlementAmount": amount, "note": "per the audit firm's report"})


async def test_R_FIN_6_an_accepted_project_below_20M_is_settled_by_finance(runtime):
    await reported(runtime)
    assert codes(await settle_at(runtime, 900_000_00)) == ["R-FIN-6"]  # not accepted yet
    await runtime.consumer(accepted("p-1", investment=THRESHOLD - 1))
    done = await settle_at(runtime, 900_000_00)
    assert done["userErrors"] == [] and done["settlement"]["settlementAmount"] == 900_000_00
    (event,) = await outbox_events(runtime, SettlementReviewed.event_type)
    assert (event.payload().project_id, event.payload().settlement_amount) == ("p-1", 900_000_00)
    assert (await money(runtime))["settlement"] == {"settlementAmount": 900_000_00}
    before = await money_snapshot(runtime)
    assert codes(await settle_at(runtime, 800_000_00)) == ["R-FIN-6"]  # final
    assert await money_snapshot(runtime) == before


async def test_R_FIN_6_a_project_of_exactly_20M_is_not_below_and_is_not_settled_by_finance(runtime):
    await reported(runtime)
    await runtime.consumer(accepted("p-1", investment=THRESHOLD))
    before = await money_snapshot(runtime)
    refused = await settle_at(runtime, 900_000_00)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-FIN-6", ["input", "projectId"])]
    assert await money_snapshot(runtime) == before
    assert await outbox_events(runtime, SettlementReviewed.event_type) == []


async def test_R_FIN_3_a_self_funded_project_may_get_a_reward_after_acceptance(runtime):
    await reported(runtime)
    grant = {"projectId": "p-1", "amount": 50_000_00, "reason": "built on the city cloud"}
    assert codes(await mutate(runtime, REWARD, "grantReward", input=grant)) == ["R-FIN-3"]  # not accepted yet
    await runtime.consumer(accepted("p-1", self_funded=True))
    done = await mutate(runtime, REWARD, "grantReward", input=grant)
    assert done["userErrors"] == [] and done["reward"]["amount"] == 50_000_00
    assert (await outbox_events(runtime, RewardGranted.event_type))[0].payload().amount == 50_000_00
    assert codes(await mutate(runtime, REWARD, "grantReward", input=grant)) == ["R-FIN-3"]  # once


async def test_R_FIN_3_a_city_decided_project_gets_no_reward(runtime):
    await reported(runtime)
    await runtime.consumer(accepted("p-1", self_funded=False))
    refused = await mutate(runtime, REWARD, "grantReward", input={"projectId": "p-1", "amount": 1, "reason": "x"})
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-FIN-3", ["input", "projectId"])]


async def test_R_FIN_5_finance_spot_checks_any_project_and_its_result_is_final(runtime):
    await reported(runtime)  # not even contracted: any project, any stage
    opened = await mutate(runtime, OPEN_CHECK, "openSpotCheck", input={"projectId": "p-1", "scope": "advances"})
    assert opened["userErrors"] == [] and opened["spotCheck"]["status"] == "OPEN"
    record = {"spotCheckId": opened["spotCheck"]["id"], "irregularitiesFound": False, "result": "in order"}
    done = await mutate(runtime, RECORD_CHECK, "recordSpotCheckResult", input=record)
    assert done["spotCheck"] | {"id": None} == {"id": None, "status": "CONCLUDED", "irregularitiesFound": False,
                                                "result": "in order"}
    assert (await outbox_events(runtime, SpotCheckConcluded.event_type))[0].payload().irregularities_found is False
    assert codes(await mutate(runtime, RECORD_CHECK, "recordSpotCheckResult", input=record)) == ["R-FIN-5"]
    assert codes(await mutate(runtime, OPEN_CHECK, "openSpotCheck", input={"projectId": "p-1", "scope": ""})) == [
        "R-FIN-5"]
    assert (await money(runtime))["spotChecks"] == [{"status": "CONCLUDED", "irregularitiesFound": False}]


async def om(runtime, key, amount=10_00):
    return await pay(runtime, key=key, amount=amount, kind="OM", tranche="O&M quarter", purpose="hosting")


async def test_R_PER_2_om_funds_wait_for_operation_and_flow_before_the_first_review(runtime):
    await payable(runtime)
    assert codes(await om(runtime, "om-0")) == ["R-ACC-5"]  # not in formal operation yet
    await runtime.consumer(operation("p-1"))
    assert (await money(runtime))["balance"]["omFunds"] == "RELEASED"
    assert (await om(runtime, "om-1"))["userErrors"] == []  # no review yet: released (decisions.md)


async def test_R_PER_2_om_funds_are_held_while_a_rectification_is_ordered_and_released_when_done(runtime):
    await payable(runtime)
    await runtime.consumer(operation("p-1"))
    await runtime.consumer(performance("p-1", "ORDERED", days=300))
    assert (await money(runtime))["balance"]["omFunds"] == "HELD"
    before = await money_snapshot(runtime)
    held = await om(runtime, "om-1")
    assert [(e["code"], e["field"]) for e in held["userErrors"]] == [("R-PER-2", ["input", "kind"])]
    assert await money_snapshot(runtime) == before
    assert (await pay(runtime, key="build"))["userErrors"] == []  # construction funds are not O&M funds
    await runtime.consumer(performance("p-1", "DONE", days=320))
    await runtime.consumer(performance("p-1", "ORDERED", days=290))  # an older review arriving late changes nothing
    assert (await om(runtime, "om-1"))["userErrors"] == []
    assert (await money(runtime))["fundPlan"]["allocations"][0]["omPaid"] == 10_00


async def test_R_PER_2_om_funds_are_released_when_no_rectification_is_needed(runtime):
    await payable(runtime)
    await runtime.consumer(operation("p-1"))
    event = performance("p-1", "NOT_NEEDED")
    await runtime.consumer(event)
    await runtime.consumer(Envelope.from_bytes(event.to_bytes()))
    assert (await om(runtime, "om-1"))["userErrors"] == []


async def test_R_OPS_1_om_payments_stay_within_the_yearly_om_funding(runtime):
    await payable(runtime)
    await runtime.consumer(operation("p-1", om_annual_funding=30_00))
    assert (await om(runtime, "om-1", 20_00))["userErrors"] == []
    assert codes(await om(runtime, "om-2", 10_01)) == ["R-OPS-1"]
    assert (await om(runtime, "om-3", 10_00))["userErrors"] == []
