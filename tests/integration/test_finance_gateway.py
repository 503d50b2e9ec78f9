"""A project's money followed through the gateway, every bureau acting with its own token, each service on its
own PostgreSQL database: the budget review (R-REV-2), the fund plan (R-APP-3 / R-FIN-2), the special-fund plan
co-signed and approved (R-PLN-2), idempotent payments (R-FIN-1), the settlement review (R-FIN-6), O&M funds after
the start of operation (R-PER-2), all read back in one gateway query."""
import asyncio

import httpx
import pytest

from egov.registry import SERVICES
from gateway.app import create_gateway_app
from shared.bus.memory import InProcessBus
from shared.clock import budget_year, utc_now
from shared.service import ServiceRuntime, create_service_app
from shared.settings import GatewaySettings
from tests.conftest import eventually
from tests.e2e.conftest import minter
from tests.e2e.lifecycle import ALL_DOCUMENTS, Walk
from tests.e2e.slice import APPROVAL_BUREAU, FINANCE_BUREAU, OTHER_UNIT, UNIT, GatewayClient, complete_dossier

pytestmark = pytest.mark.integration

THIS_YEAR = budget_year(utc_now())
LEADING_GROUP = {"department": "LEADING_GROUP", "unit": "smart-city-leading-group"}
ERRORS = "userErrors { code field message }"
FOLLOW_THE_MONEY = """query($id: ID!) { project(id: $id) {
  name status approvedBudget
  budgetReview { status approvedBudget lines { category approvedAmount } }
  fundPlan { crossYear approvedBudget yearlyPlan { year amount } allocations { year amount paid inApprovedPlan } }
  payments { kind tranche purpose amount year idempotencyKey }
  balance { approvedBudget paid remaining paymentsStopped omFunds }
  settlement { settlementAmount }
  moneyTrail { action department }
} }"""


@pytest.fixture
async def gateway(postgres, keys, tmp_path):
    """The four services, each on its own PostgreSQL database, behind the gateway, in this process."""
    settings = GatewaySettings(data_dir=tmp_path, jwt_public_key_file=keys[1], jwt_private_key_file=keys[0],
                               relay_poll_interval=0.05, environment="test")
    bus = InProcessBus(retry_delay=0)
    runtimes = {name: ServiceRuntime(definition, settings.for_service(name, database_url=await postgres.create(name)),
                                     bus=bus) for name, definition in SERVICES.items()}
    apps = {name: create_service_app(runtime, manage_lifecycle=False) for name, runtime in runtimes.items()}
    client = httpx.AsyncClient(mounts={f"http://{n}.test": httpx.ASGITransport(app=a) for n, a in apps.items()},
                               timeout=30)

    async def start():
        await bus.start()
        for runtime in runtimes.values():
            await runtime.start()

    async def stop():
        await asyncio.gather(*(runtime.relay.stop() for runtime in runtimes.values()))
        await bus.close()
        for runtime in runtimes.values():
            await runtime.stop()

    app = create_gateway_app(settings, urls={n: f"http://{n}.test/graphql" for n in SERVICES}, client=client,
                             on_startup=start, on_shutdown=stop)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as http:
            yield GatewayClient(http, minter(keys))


async def finance(gateway, actor, mutation, arguments, variables, types, result="userErrors { code }"):
    declared = ", ".join(f"${name}: {kind}" for name, kind in types.items())
    answer = await gateway.graphql(f"mutation({declared}) {{ r: {mutation}({arguments}) {{ {result} }} }}",
                                   variables, as_=actor)
    assert "errors" not in answer, answer
    return answer["data"]["r"]


async def test_a_projects_money_from_budget_review_to_last_payment_in_one_gateway_query(gateway):
    walk = Walk(gateway)
    estimate = 3_000_000_00
    await walk.create(estimate)
    plan = [{"year": THIS_YEAR, "amount": 1_000_000_00}, {"year": THIS_YEAR + 1, "amount": 2_000_000_00}]
    await walk.dossier({**complete_dossier(estimate), "crossYear": True, "yearlyPlan": plan})
    await walk.do(UNIT, "submitProject", "id: $id")
    await walk.do(APPROVAL_BUREAU, "approveProject", "id: $id")
    await walk.technical_review(estimate)
    budget = await walk.budget_review(estimate)
    await walk.until(lambda s: s["status"] == "BUDGET_REVIEW_PASSED")
    await walk.targets()
    await walk.contract(budget)
    await walk.into_approved_plan(1_000_000_00)
    await walk.do(UNIT, "startConstruction", "id: $id")

    allocation = {"input": {"projectId": walk.id, "year": THIS_YEAR, "amount": 900_000_00,
                            "progressNote": "servers ordered"}}
    assert (await finance(gateway, FINANCE_BUREAU, "setFundAllocation", "input: $input", allocation,
                          {"input": "SetFundAllocationInput!"}))["userErrors"] == []
    plan_types = {"j": "String!", "y": "Int!"}
    plan_vars = {"j": "CITY", "y": THIS_YEAR}
    assert (await finance(gateway, FINANCE_BUREAU, "draftSpecialFundPlan", "jurisdiction: $j, year: $y", plan_vars,
                          plan_types))["userErrors"] == []
    for signer in (FINANCE_BUREAU, APPROVAL_BUREAU):
        assert (await finance(gateway, signer, "signSpecialFundPlan", "jurisdiction: $j, year: $y", plan_vars,
                              plan_types))["userErrors"] == []
    forbidden = await gateway.graphql("mutation { reviewSpecialFundPlan(jurisdiction: \"CITY\", year: %d, "
                                      "approve: true) { userErrors { code } } }" % THIS_YEAR, as_=FINANCE_BUREAU)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await finance(gateway, LEADING_GROUP, "reviewSpecialFundPlan", "jurisdiction: $j, year: $y, approve: true",
                          plan_vars, plan_types))["userErrors"] == []

    async def pay(key, amount, kind="CONSTRUCTION", tranche="progress", purpose="servers"):
        return await finance(gateway, FINANCE_BUREAU, "makePayment", "input: $input", {"input": {
            "projectId": walk.id, "kind": kind, "tranche": tranche, "purpose": purpose, "amount": amount,
            "idempotencyKey": key}}, {"input": "MakePaymentInput!"}, f"replayed {ERRORS}")

    await _finance_heard(gateway, walk.id, "CONTRACT_RECORDED")  # payments follow the contract
    assert await pay("advance-1", 300_000_00, tranche="advance") == {"replayed": False, "userErrors": []}
    assert await pay("advance-1", 300_000_00, tranche="advance") == {"replayed": True, "userErrors": []}
    assert [e["code"] for e in (await pay("progress-1", 600_000_01))["userErrors"]] == ["R-FIN-1"]
    assert (await pay("progress-1", 500_000_00))["userErrors"] == []

    await walk.test_reports(["CUSTOM_SOFTWARE"])
    await walk.acceptance(ALL_DOCUMENTS)
    await _finance_heard(gateway, walk.id, "PROJECT_ACCEPTED")
    settled = await finance(gateway, FINANCE_BUREAU, "reviewSettlement", "input: $input", {"input": {
        "projectId": walk.id, "settlementAmount": 2_900_000_00}}, {"input": "ReviewSettlementInput!"})
    assert settled["userErrors"] == []
    assert [e["code"] for e in (await pay("om-1", 10_000_00, kind="OM", tranche="O&M Q1"))["userErrors"]] == [
        "R-ACC-5"]
    await walk.operation()
    await _finance_heard(gateway, walk.id, "OPERATION_STARTED")
    assert (await pay("om-1", 10_000_00, kind="OM", tranche="O&M Q1"))["userErrors"] == []

    answer = await gateway.graphql(FOLLOW_THE_MONEY, {"id": walk.id}, as_=UNIT)
    assert "errors" not in answer, answer
    project = answer["data"]["project"]
    assert project["status"] == "IN_OPERATION" and project["approvedBudget"] == budget
    assert project["budgetReview"]["status"] == "REPORTED" and project["budgetReview"]["approvedBudget"] == budget
    assert project["fundPlan"]["crossYear"] is True and project["fundPlan"]["yearlyPlan"] == plan
    assert project["fundPlan"]["allocations"] == [{"year": THIS_YEAR, "amount": 900_000_00, "paid": 810_000_00,
                                                   "inApprovedPlan": True}]
    assert [(p["kind"], p["amount"], p["idempotencyKey"]) for p in project["payments"]] == [
        ("CONSTRUCTION", 300_000_00, "advance-1"), ("CONSTRUCTION", 500_000_00, "progress-1"),
        ("OM", 10_000_00, "om-1")]
    assert project["balance"] == {"approvedBudget": budget, "paid": 810_000_00, "remaining": budget - 810_000_00,
                                  "paymentsStopped": False, "omFunds": "RELEASED"}
    assert project["settlement"] == {"settlementAmount": 2_900_000_00}
    trail = [entry["action"] for entry in project["moneyTrail"]]
    assert trail[0] == "BUDGET_REPORTED" and trail[-1] == "MAKE_PAYMENT"
    assert {"CONTRACT_RECORDED", "SET_FUND_ALLOCATION", "PROJECT_ACCEPTED", "REVIEW_SETTLEMENT",
            "OPERATION_STARTED"} <= set(trail) and trail.count("MAKE_PAYMENT") == 3
    hidden = (await gateway.graphql(FOLLOW_THE_MONEY, {"id": walk.id}, as_=OTHER_UNIT))["data"]["project"]
    assert hidden is None  # R-SEC-2: another unit learns nothing


async def _finance_heard(gateway, project_id: str, action: str) -> None:
    """Wait until the approval service's event reached Finance: it shows on the project's money trail."""
    async def heard():
        answer = await gateway.graphql("query($id: ID!) { project(id: $id) { moneyTrail { action } } }",
                                       {"id": project_id}, as_=FINANCE_BUREAU)
        return action in [entry["action"] for entry in answer["data"]["project"]["moneyTrail"]]

    await eventually(heard)
