"""Asset registration (R-FIN-7) on the real PostgreSQL: the whole registration path through the finance subgraph;
concurrent registrations of one project chain their trail entries one after another; one card number registered
at once on two projects of a unit is kept once; migration 0005 goes down and up."""
import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.finance.adapters import orm as finance_orm
from services.finance.adapters import trail_store
from services.finance.adapters.asset_tables import project_assets
from services.finance.app import DEFINITION
from services.finance.domain.assets import AssetCategory, AssetDetails, asset_chain
from services.finance.service_layer.assets import register_asset
from shared.clock import clock_at
from shared.errors import DomainError
from shared.events import AssetRegistrationReminded
from shared.migrations import current_revision, head_revision
from shared.trail_store import DecisionTrail
from tests.unit.finance.asset_support import (
    ACCEPTED_AT,
    GRACE,
    accepted_project,
    asset_register,
    complete,
    correct,
    registered,
    remind,
    unregistered,
    withdraw,
)
from tests.unit.finance.money_support import SETTLEMENT, UNIT, mutate
from tests.unit.finance.support import downgrade, outbox_events, settle

pytestmark = pytest.mark.integration


@pytest.fixture
async def finance(service_on_postgres):
    runtime = await service_on_postgres(DEFINITION, database="finance_assets")
    yield runtime
    await settle(runtime)


def details(card: str, value: int = 10_000_00) -> AssetDetails:
    return AssetDetails(AssetCategory.HARDWARE, "switch", 1, value, "Li Wei", "room 3", card)


async def test_R_FIN_7_the_registration_path_on_postgres(finance):
    await accepted_project(finance)
    server = await registered(finance, value=600_000_00)
    await registered(finance, category="DATA_RESOURCE", cardNumber="ZC-2", value=300_000_00)
    spare = await registered(finance, cardNumber="ZC-3", value=1_00)
    assert (await correct(finance, server["id"], value=650_000_00))["userErrors"] == []
    assert (await withdraw(finance, spare["id"]))["userErrors"] == []
    with clock_at(ACCEPTED_AT + GRACE + timedelta(days=7)):
        (waiting,) = await unregistered(finance)
        assert (waiting["status"], waiting["daysOverdue"], waiting["registeredValue"]) == ("IN_PROGRESS", 7,
                                                                                          950_000_00)
        assert (await remind(finance))["userErrors"] == []
    settled = await mutate(finance, SETTLEMENT, "reviewSettlement", input={"projectId": "p-1",
                                                                            "settlementAmount": 950_000_00})
    assert settled["userErrors"] == []
    done = await complete(finance)
    assert done["userErrors"] == [] and done["assetRegister"]["valueCheck"] == {
        "basis": "SETTLEMENT_REVIEW", "settledValue": 950_000_00, "difference": 0, "matches": True}
    seen = await asset_register(finance, identity=UNIT)
    assert seen["status"] == "COMPLETE" and len(seen["reminders"]) == 1
    assert [h["action"] for h in seen["history"]] == ["REGISTER_ASSET"] * 3 + [
        "CORRECT_ASSET", "WITHDRAW_ASSET", "REMIND_ASSET_REGISTRATION", "COMPLETE_ASSET_REGISTRATION"]
    async with finance.sessions() as session:
        assert (await DecisionTrail(finance_orm.trail, session).verify()).intact
    assert len(await outbox_events(finance, AssetRegistrationReminded.event_type)) == 1
    with clock_at(ACCEPTED_AT + GRACE + timedelta(days=8)):
        assert await unregistered(finance) == []


async def test_R_FIN_7_concurrent_registrations_of_one_project_chain_one_after_another(finance):
    await accepted_project(finance)
    lines = await asyncio.gather(*(register_asset(finance.uow, "p-1", details(f"ZC-{i}"), UNIT) for i in range(20)))
    assert len({line.id for line in lines}) == 20
    async with finance.sessions() as session:
        chain = (await trail_store.entries_of(session, [asset_chain("p-1")]))[asset_chain("p-1")]
        assert (await DecisionTrail(finance_orm.trail, session).verify()).intact
    assert len(chain) == 20
    assert (await asset_register(finance))["registeredValue"] == 20 * 10_000_00


async def test_R_FIN_7_one_card_number_registered_at_once_on_two_projects_of_a_unit_is_kept_once(finance):
    await accepted_project(finance, "p-1")
    await accepted_project(finance, "p-2")
    results = await asyncio.gather(*(register_asset(finance.uow, project, details("ZC-SAME"), UNIT)
                                     for project in ("p-1", "p-2") * 3), return_exceptions=True)
    kept = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(kept) == 1 and len(refused) == 5
    assert all(isinstance(r, DomainError) and r.violations[0].code in ("R-FIN-7", "CONFLICT") for r in refused)
    async with finance.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(project_assets))).scalar_one() == 1


async def test_R_FIN_7_migration_0005_goes_down_and_up(finance):
    await accepted_project(finance)
    await registered(finance)
    await downgrade(finance, "0004")
    assert await current_revision(finance.engine) == "0004"
    await finance.migrate()
    assert await current_revision(finance.engine) == head_revision(DEFINITION.migrations)
    assert (await asset_register(finance))["status"] == "NOT_STARTED"  # the tables are back, empty
