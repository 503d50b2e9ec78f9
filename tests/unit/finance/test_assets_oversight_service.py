"""Finance's oversight of asset registration (R-FIN-7): the unregistered list after the grace period, the reminder,
and the grace period as configuration. "Now" is set with shared/clock.py's `clock_at`."""
from datetime import timedelta

import pytest

from services.finance.app import DEFINITION
from shared.bus.memory import InProcessBus
from shared.clock import clock_at
from shared.events import AssetRegistrationReminded
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.unit.finance.asset_support import (
    ACCEPTED_AT,
    GRACE,
    accepted_project,
    asset_register,
    asset_snapshot,
    complete,
    registered,
    remind,
    unregistered,
)
from tests.unit.finance.money_support import UNIT, reported
from tests.unit.finance.support import outbox_events, settle

GRACE_END = ACCEPTED_AT + GRACE


def fields(payload) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def test_R_FIN_7_the_grace_period_has_not_passed_at_its_last_instant(runtime):
    await accepted_project(runtime)
    with clock_at(GRACE_END):
        assert await unregistered(runtime) == []
        assert (await asset_register(runtime))["overdue"] is False
    with clock_at(GRACE_END + timedelta(seconds=1)):
        (listed,) = await unregistered(runtime)
        assert (await asset_register(runtime))["overdue"] is True
    assert listed | {"acceptedAt": None, "graceEndedAt": None} == {
        "projectId": "p-1", "code": "CITY-2026-0001", "unitId": "health-commission", "status": "NOT_STARTED",
        "acceptedAt": None, "graceEndedAt": None, "daysSinceAcceptance": 90, "daysOverdue": 0, "activeLines": 0,
        "registeredValue": 0, "reminderCount": 0, "lastRemindedAt": None}
    assert listed["graceEndedAt"].startswith(GRACE_END.strftime("%Y-%m-%dT%H:%M:%S"))


async def test_R_FIN_7_the_unregistered_list_waits_longest_first_and_drops_completed_registrations(runtime):
    await accepted_project(runtime, "p-late", at=ACCEPTED_AT + timedelta(days=10))
    await accepted_project(runtime, "p-early", at=ACCEPTED_AT)
    await accepted_project(runtime, "p-done", at=ACCEPTED_AT - timedelta(days=5))
    await accepted_project(runtime, "p-fresh", at=ACCEPTED_AT + timedelta(days=60))
    await reported(runtime, "p-not-accepted")
    await registered(runtime, projectId="p-early", value=123_00)
    await registered(runtime, projectId="p-done", cardNumber="ZC-9")
    assert (await complete(runtime, "p-done"))["userErrors"] == []
    with clock_at(ACCEPTED_AT + GRACE + timedelta(days=30)):
        listed = await unregistered(runtime)
        assert [(p["projectId"], p["status"], p["daysSinceAcceptance"], p["daysOverdue"]) for p in listed] == [
            ("p-early", "IN_PROGRESS", 120, 30), ("p-late", "NOT_STARTED", 110, 20)]
        assert listed[0]["activeLines"] == 1 and listed[0]["registeredValue"] == 123_00
        assert [p["projectId"] for p in await unregistered(runtime, first=1)] == ["p-early"]


async def test_R_FIN_7_finance_reminds_an_overdue_unit_and_the_unit_sees_it(runtime):
    await accepted_project(runtime)
    before = await asset_snapshot(runtime)
    with clock_at(GRACE_END):
        early = await remind(runtime)
    assert fields(early) == [("R-FIN-7", ["input", "projectId"])] and "grace period" in early["userErrors"][0][
        "message"]
    assert await asset_snapshot(runtime) == before
    with clock_at(GRACE_END + timedelta(days=3)):
        done = await remind(runtime)
        assert done["userErrors"] == [] and done["reminder"]["department"] == "FINANCE_BUREAU"
        (listed,) = await unregistered(runtime)
    assert listed["reminderCount"] == 1 and listed["lastRemindedAt"] is not None
    seen = await asset_register(runtime, identity=UNIT)
    assert seen["reminders"] == [{"department": "FINANCE_BUREAU", "actor": "anonymous",
                                  "note": "please register by month end"}]
    assert seen["history"][-1]["action"] == "REMIND_ASSET_REGISTRATION"
    (event,) = await outbox_events(runtime, AssetRegistrationReminded.event_type)
    payload = event.payload()
    assert (payload.project_id, payload.unit_id, payload.grace_ended_at) == ("p-1", "health-commission", GRACE_END)
    assert payload.reminded_at == GRACE_END + timedelta(days=3)


async def test_R_FIN_7_a_registered_project_is_not_reminded(runtime):
    await accepted_project(runtime)
    await registered(runtime)
    assert (await complete(runtime))["userErrors"] == []
    before = await asset_snapshot(runtime)
    with clock_at(GRACE_END + timedelta(days=30)):
        refused = await remind(runtime)
        assert await unregistered(runtime) == []
    assert fields(refused) == [("R-FIN-7", ["input", "projectId"])]
    assert "complete" in refused["userErrors"][0]["message"]
    assert await asset_snapshot(runtime) == before


async def test_R_FIN_7_a_project_not_accepted_is_not_reminded(runtime):
    await reported(runtime)
    with clock_at(GRACE_END + timedelta(days=30)):
        refused = await remind(runtime)
    assert fields(refused) == [("R-FIN-7", ["input", "projectId"])]


@pytest.fixture
async def ten_day_runtime(tmp_path, keys):
    bus = InProcessBus(retry_delay=0)
    settings = Settings(data_dir=tmp_path, jwt_public_key_file=keys[1], asset_registration_grace_days=10)
    runtime = ServiceRuntime(DEFINITION, settings.for_service("finance"), bus=bus)
    await runtime.start()
    yield runtime
    await settle(runtime)
    await runtime.stop()
    await bus.close()


async def test_R_FIN_7_the_grace_period_is_configuration(ten_day_runtime):
    await accepted_project(ten_day_runtime)
    ends = ACCEPTED_AT + timedelta(days=10)
    with clock_at(ends):
        assert await unregistered(ten_day_runtime) == []
        assert fields(await remind(ten_day_runtime)) == [("R-FIN-7", ["input", "projectId"])]
    with clock_at(ends + timedelta(seconds=1)):
        assert [p["projectId"] for p in await unregistered(ten_day_runtime)] == ["p-1"]
        assert (await remind(ten_day_runtime))["userErrors"] == []
    assert (await asset_register(ten_day_runtime))["graceEndsAt"].startswith(ends.strftime("%Y-%m-%dT%H:%M"))


def test_R_FIN_7_the_default_grace_period_is_90_days():
    assert Settings().asset_registration_grace_days == 90 == GRACE.days
