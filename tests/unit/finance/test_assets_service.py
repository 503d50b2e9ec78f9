"""Asset registration (R-FIN-7) through the finance subgraph: the unit registers, corrects, withdraws and completes
its accepted project's register; the registered value is checked against the settled amount."""
from services.finance.adapters.asset_tables import project_assets
from shared.auth import Department, Identity
from shared.money import MAX_FEN
from tests.unit.finance.asset_support import (
    PARENT_UNIT,
    accepted_project,
    asset_register,
    asset_snapshot,
    complete,
    correct,
    register,
    registered,
    withdraw,
)
from tests.unit.finance.money_support import BUDGET, OTHER_UNIT, SETTLEMENT, THRESHOLD, UNIT, codes, mutate, reported
from tests.unit.finance.support import count


def fields(payload) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def test_R_FIN_7_the_unit_registers_its_accepted_projects_assets(runtime):
    await accepted_project(runtime)
    assert (await asset_register(runtime))["status"] == "NOT_STARTED"
    server = await registered(runtime)
    assert server | {"id": None} == {
        "id": None, "projectId": "p-1", "category": "HARDWARE", "name": "rack server", "quantity": 4,
        "value": 400_000_00, "custodian": "Li Wei, IT office", "location": "government cloud room 3",
        "cardNumber": "ZC-2026-0001", "status": "ACTIVE", "revision": 1, "registeredBy": UNIT.subject}
    await registered(runtime, category="SOFTWARE", name="case system", quantity=1, value=350_000_00,
                     cardNumber="ZC-2026-0002")
    await registered(runtime, category="DATA_RESOURCE", name="health records catalog", quantity=1, value=0,
                     cardNumber="ZC-2026-0003")
    seen = await asset_register(runtime, identity=UNIT)
    assert seen["status"] == "IN_PROGRESS" and seen["registeredValue"] == 750_000_00
    assert [line["category"] for line in seen["lines"]] == ["HARDWARE", "SOFTWARE", "DATA_RESOURCE"]
    assert [(h["action"], h["department"]) for h in seen["history"]] == [("REGISTER_ASSET", "CONSTRUCTION_UNIT")] * 3
    assert seen["history"][0]["detail"]["card_number"] == "ZC-2026-0001"


async def test_R_FIN_7_registration_is_refused_before_completion_acceptance(runtime):
    await reported(runtime)  # budget-reviewed, not accepted
    before = await asset_snapshot(runtime)
    refused = await register(runtime)
    assert fields(refused) == [("R-FIN-7", ["input", "projectId"])] and refused["asset"] is None
    assert codes(await complete(runtime, note="nothing")) == ["R-FIN-7"]
    assert await asset_snapshot(runtime) == before
    assert (await asset_register(runtime))["status"] == "NOT_ACCEPTED"


async def test_R_FIN_7_a_unit_above_the_projects_unit_registers_for_it(runtime):
    await accepted_project(runtime)
    line = await registered(runtime, PARENT_UNIT)
    assert line["registeredBy"] == PARENT_UNIT.subject


async def test_R_FIN_7_a_card_number_names_one_active_asset_of_the_unit(runtime):
    await accepted_project(runtime, "p-1")
    await accepted_project(runtime, "p-2")
    await accepted_project(runtime, "p-3", unit_path=("education-bureau", "city-government"))
    first = await registered(runtime)
    before = await asset_snapshot(runtime)
    taken = await register(runtime, projectId="p-2")  # the same unit's other project, the same card
    assert fields(taken) == [("R-FIN-7", ["input", "cardNumber"])]
    assert await asset_snapshot(runtime) == before
    await registered(runtime, OTHER_UNIT, projectId="p-3")  # another unit's asset system: its own numbers
    assert (await withdraw(runtime, first["id"]))["userErrors"] == []
    await registered(runtime, projectId="p-2")  # withdrawn, the card is free again


async def test_R_FIN_7_a_correction_is_recorded_with_the_line_before_and_after(runtime):
    await accepted_project(runtime)
    line = await registered(runtime)
    assert fields(await correct(runtime, line["id"], reason=" ", quantity=5)) == [("R-FIN-7", ["input", "reason"])]
    assert fields(await correct(runtime, line["id"], quantity=4)) == [("INVALID", ["input"])]  # nothing changes
    done = await correct(runtime, line["id"], quantity=5, value=500_000_00)
    assert done["userErrors"] == [] and done["asset"] | {"id": None} == {
        "id": None, "name": "rack server", "quantity": 5, "value": 500_000_00, "cardNumber": "ZC-2026-0001",
        "status": "ACTIVE", "revision": 2}
    history = (await asset_register(runtime))["history"]
    assert [h["action"] for h in history] == ["REGISTER_ASSET", "CORRECT_ASSET"]
    corrected = history[1]
    assert (corrected["detail"]["before"]["quantity"], corrected["detail"]["after"]["quantity"]) == (4, 5)
    assert (corrected["detail"]["before"]["value"], corrected["detail"]["after"]["value"]) == (400_000_00, 500_000_00)
    assert corrected["reason"] == "typo in the asset system export"


async def test_R_FIN_7_a_withdrawn_line_stays_in_the_register_and_no_longer_counts(runtime):
    await accepted_project(runtime)
    line = await registered(runtime)
    await registered(runtime, cardNumber="ZC-2", value=100_00)
    assert fields(await withdraw(runtime, line["id"], reason="")) == [("R-FIN-7", ["input", "reason"])]
    done = await withdraw(runtime, line["id"])
    assert done["asset"]["status"] == "WITHDRAWN" and done["asset"]["withdrawalReason"] == "registered twice"
    seen = await asset_register(runtime)
    assert seen["registeredValue"] == 100_00 and [line["status"] for line in seen["lines"]] == ["WITHDRAWN", "ACTIVE"]
    assert seen["history"][-1]["detail"]["withdrawn"]["value"] == 400_000_00
    assert fields(await correct(runtime, line["id"], quantity=9)) == [("R-FIN-7", ["input", "assetId"])]
    assert fields(await withdraw(runtime, line["id"])) == [("R-FIN-7", ["input", "assetId"])]
    assert await count(runtime, project_assets) == 2  # nothing deleted


async def test_R_FIN_7_inputs_are_bounded_the_same_everywhere(runtime):
    await accepted_project(runtime)
    before = await asset_snapshot(runtime)
    for changes, expected in [
        ({"quantity": 0}, ("INVALID", ["input", "quantity"])),
        ({"quantity": -3}, ("INVALID", ["input", "quantity"])),
        ({"quantity": 10_000_001}, ("INVALID", ["input", "quantity"])),
        ({"name": "x" * 201}, ("INVALID", ["input", "name"])),
        ({"custodian": "  "}, ("R-FIN-7", ["input", "custodian"])),
        ({"location": "room\n3"}, ("INVALID", ["input", "location"])),
        ({"cardNumber": "Z" * 65}, ("INVALID", ["input", "cardNumber"])),
        ({"cardNumber": "ZC\x00-1"}, ("INVALID", ["input", "cardNumber"])),
    ]:
        refused = await register(runtime, **changes)
        assert fields(refused) == [expected], changes
    too_much = await register(runtime, value=MAX_FEN + 1)
    assert [e.extensions["code"] for e in too_much.errors] == ["BAD_USER_INPUT"]  # the Fen scalar's range
    assert (await register(runtime, value=MAX_FEN, quantity=10_000_000))["userErrors"] == []
    line = (await asset_register(runtime))["lines"][0]
    assert fields(await correct(runtime, line["id"], quantity=0)) == [("INVALID", ["input", "quantity"])]
    after = await asset_snapshot(runtime)
    assert after[1] != before[1]  # only the valid registration was written
    assert len(after[1]) == 1


async def test_R_FIN_7_a_completed_registration_is_final(runtime):
    await accepted_project(runtime)
    assert fields(await complete(runtime)) == [("R-FIN-7", ["input", "note"])]  # nothing registered, no reason
    line = await registered(runtime)
    done = await complete(runtime, note="all assets on cards ZC-2026-0001")
    assert done["userErrors"] == [] and done["assetRegister"]["status"] == "COMPLETE"
    assert done["assetRegister"]["completedBy"] == UNIT.subject
    before = await asset_snapshot(runtime)
    assert fields(await register(runtime, cardNumber="ZC-9")) == [("R-FIN-7", ["input", "projectId"])]
    assert fields(await correct(runtime, line["id"], quantity=9)) == [("R-FIN-7", ["input", "assetId"])]
    assert fields(await withdraw(runtime, line["id"])) == [("R-FIN-7", ["input", "assetId"])]
    assert fields(await complete(runtime)) == [("R-FIN-7", ["input", "projectId"])]
    assert await asset_snapshot(runtime) == before
    history = (await asset_register(runtime))["history"]
    assert history[-1]["action"] == "COMPLETE_ASSET_REGISTRATION"
    assert history[-1]["detail"] | {} == {"lines": 1, "registered_value": 400_000_00, "basis": "CONTRACT_SUM",
                                          "settled_value": BUDGET, "difference": 400_000_00 - BUDGET}


async def test_R_FIN_7_a_project_without_assets_completes_with_its_reason(runtime):
    await accepted_project(runtime)
    done = await complete(runtime, note="a consulting project: it delivered a report, no asset")
    assert done["userErrors"] == [] and done["assetRegister"]["status"] == "COMPLETE"


async def test_R_FIN_7_the_registered_value_is_checked_against_finances_settlement_review(runtime):
    await accepted_project(runtime, investment=THRESHOLD - 1)
    await registered(runtime, value=600_000_00)
    await registered(runtime, cardNumber="ZC-2", value=300_000_00)
    settled = await mutate(runtime, SETTLEMENT, "reviewSettlement", input={
        "projectId": "p-1", "settlementAmount": 950_000_00, "note": "per the audit firm's report"})
    assert settled["userErrors"] == []
    check = (await asset_register(runtime, identity=UNIT))["valueCheck"]
    assert check | {"explanation": None} == {"registeredValue": 900_000_00, "basis": "SETTLEMENT_REVIEW",
                                             "settledValue": 950_000_00, "difference": -50_000_00,
                                             "matches": False, "explanation": None}
    assert "settlement review" in check["explanation"]
    await registered(runtime, cardNumber="ZC-3", value=50_000_00)
    check = (await asset_register(runtime))["valueCheck"]
    assert (check["difference"], check["matches"]) == (0, True)


async def test_R_FIN_7_without_a_settlement_review_the_contract_sum_is_the_basis_and_says_so(runtime):
    await accepted_project(runtime, contract_sum=800_000_00)
    await registered(runtime, value=900_000_00)
    check = (await asset_register(runtime))["valueCheck"]
    assert (check["basis"], check["settledValue"], check["difference"], check["matches"]) == (
        "CONTRACT_SUM", 800_000_00, 100_000_00, False)
    assert "contract sum" in check["explanation"] and "not reviewed" in check["explanation"]


async def test_R_FIN_7_a_project_audited_in_full_is_checked_against_its_contract_sum(runtime):
    await accepted_project(runtime, investment=THRESHOLD, contract_sum=THRESHOLD - 5)
    check = (await asset_register(runtime))["valueCheck"]
    assert (check["basis"], check["settledValue"], check["difference"]) == ("CONTRACT_SUM", THRESHOLD - 5,
                                                                            -(THRESHOLD - 5))
    assert "audited in full" in check["explanation"]


async def test_R_FIN_7_without_a_contract_sum_the_accepted_investment_is_the_basis(runtime):
    await accepted_project(runtime, contract_sum=0, investment=700_000_00)
    check = (await asset_register(runtime))["valueCheck"]
    assert (check["basis"], check["settledValue"], check["difference"]) == ("ACCEPTED_INVESTMENT", 700_000_00,
                                                                            -700_000_00)


async def test_R_FIN_7_before_acceptance_there_is_no_basis(runtime):
    await reported(runtime)
    check = (await asset_register(runtime))["valueCheck"]
    assert check | {"explanation": None} == {"registeredValue": 0, "basis": "NONE", "settledValue": None,
                                             "difference": None, "matches": None, "explanation": None}


async def test_R_SEC_2_a_classified_projects_assets_are_seen_only_with_a_need_to_know(runtime):
    await accepted_project(runtime, classified=True)
    await registered(runtime)
    assert (await asset_register(runtime, identity=UNIT))["lines"]
    assert (await asset_register(runtime, identity=PARENT_UNIT))["lines"]
    for outsider in (OTHER_UNIT, Identity(Department.LEADING_GROUP, unit="leading-group"),
                     Identity(Department.SUPERVISORY_COMMISSION, unit="jiwei"), Identity(Department.PUBLIC)):
        assert await asset_register(runtime, identity=outsider) is None, outsider
    # another unit learns nothing of it, not even that it exists
    before = await asset_snapshot(runtime)
    refused = await register(runtime, OTHER_UNIT, cardNumber="ZC-X")
    assert fields(refused) == [("NOT_FOUND", ["input", "projectId"])]
    assert await asset_snapshot(runtime) == before
