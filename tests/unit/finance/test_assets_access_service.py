"""Article 5 for asset registration (R-FIN-7): only the project's unit (or a unit above it) registers, corrects,
withdraws and completes; only Finance reminds and reads the unregistered list. Every refusal writes nothing."""
from datetime import timedelta

import pytest

from shared.auth import Department, Identity
from shared.clock import clock_at
from tests.unit.finance.asset_support import (
    ACCEPTED_AT,
    GRACE,
    PARENT_UNIT,
    SUBORDINATE_UNIT,
    accepted_project,
    asset_snapshot,
    complete,
    correct,
    error_codes,
    register,
    registered,
    remind,
    unregistered,
    withdraw,
)
from tests.unit.finance.money_support import OTHER_UNIT, UNIT
from tests.unit.finance.support import FINANCE

BUREAUS = [Identity(d, unit=f"{d.value.lower()}-office", subject=f"clerk:{d.value}") for d in Department
           if d not in (Department.CONSTRUCTION_UNIT, Department.BIG_DATA_CENTER, Department.PUBLIC)]
UNIT_COMMANDS = {
    "registerAsset": lambda runtime, asset_id, who: register(runtime, who, cardNumber="ZC-NEW"),
    "correctAsset": lambda runtime, asset_id, who: correct(runtime, asset_id, identity=who, quantity=9),
    "withdrawAsset": lambda runtime, asset_id, who: withdraw(runtime, asset_id, identity=who),
    "completeAssetRegistration": lambda runtime, asset_id, who: complete(runtime, note="done", identity=who),
}


@pytest.fixture
async def project(runtime):
    """An accepted ordinary project of the health commission with one registered asset; its asset id."""
    await accepted_project(runtime)
    return (await registered(runtime))["id"]


@pytest.mark.parametrize("command", list(UNIT_COMMANDS))
async def test_R_FIN_7_a_bureau_is_refused_the_units_asset_commands(runtime, project, command):
    before = await asset_snapshot(runtime)
    for bureau in BUREAUS:
        refused = await UNIT_COMMANDS[command](runtime, project, bureau)
        assert error_codes(refused) == ["FORBIDDEN"], (command, bureau.department)
        assert "CONSTRUCTION_UNIT" in refused.errors[0].message
    assert await asset_snapshot(runtime) == before


@pytest.mark.parametrize("command", list(UNIT_COMMANDS))
async def test_R_FIN_7_another_unit_is_refused_the_projects_asset_commands(runtime, project, command):
    before = await asset_snapshot(runtime)
    # an unrelated unit, a unit below the project's own, and the Big Data Center (an applicant, not this project's)
    for outsider in (OTHER_UNIT, SUBORDINATE_UNIT, Identity(Department.BIG_DATA_CENTER, unit="big-data-center")):
        refused = await UNIT_COMMANDS[command](runtime, project, outsider)
        assert error_codes(refused) == ["FORBIDDEN"], (command, outsider.unit)
        assert "the project's own unit or a unit above it" in refused.errors[0].message
    assert await asset_snapshot(runtime) == before


@pytest.mark.parametrize("command", list(UNIT_COMMANDS))
async def test_R_FIN_7_the_projects_unit_and_the_unit_above_it_may(runtime, project, command):
    for unit in (UNIT, PARENT_UNIT):
        done = await UNIT_COMMANDS[command](runtime, project, unit)
        assert not getattr(done, "errors", None), (command, unit.unit, done)


async def test_R_FIN_7_only_finance_reminds(runtime, project):
    before = await asset_snapshot(runtime)
    with clock_at(ACCEPTED_AT + GRACE + timedelta(days=1)):
        for caller in [b for b in BUREAUS if b.department is not Department.FINANCE_BUREAU] + [UNIT, PARENT_UNIT]:
            refused = await remind(runtime, identity=caller)
            assert error_codes(refused) == ["FORBIDDEN"], caller.department
            assert "FINANCE_BUREAU" in refused.errors[0].message
        assert await asset_snapshot(runtime) == before
        assert (await remind(runtime, identity=FINANCE))["userErrors"] == []


async def test_R_FIN_7_only_finance_reads_the_unregistered_list(runtime, project):
    with clock_at(ACCEPTED_AT + GRACE + timedelta(days=1)):
        assert [p["projectId"] for p in await unregistered(runtime, FINANCE)] == ["p-1"]
        for caller in [b for b in BUREAUS if b.department is not Department.FINANCE_BUREAU] + [UNIT, OTHER_UNIT]:
            assert error_codes(await unregistered(runtime, caller)) == ["FORBIDDEN"], caller.department
        assert error_codes(await unregistered(runtime, Identity(Department.PUBLIC))) == ["UNAUTHENTICATED"]
