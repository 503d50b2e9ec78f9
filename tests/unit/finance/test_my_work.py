"""`myWork { financeWork }`: what waits on the Finance Bureau and on a construction unit in the finance service,
oldest first, gone once acted on; need to know; another owner's key; a bounded number of statements."""
from __future__ import annotations

from datetime import timedelta

from shared.clock import clock_at
from tests.unit.finance.asset_support import ACCEPTED_AT, GRACE, accepted_project, complete, register, remind
from tests.unit.finance.money_support import UNIT
from tests.unit.finance.support import FINANCE, SCHEMA, T0, approved, issue_report, opinion, set_line, \
    ESTIMATE
from tests.unit.work_support import kinds, statements, work_of
from shared.auth import Department, Identity

OTHER_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau", subject="edu")
LEADING_GROUP = Identity(Department.LEADING_GROUP, unit="leading-group")
LATER = ACCEPTED_AT + GRACE + timedelta(days=10)


async def finance_work(runtime, identity, owner=None) -> dict:
    return await work_of(SCHEMA, runtime, identity, "financeWork", owner=owner)


async def test_r_rev_2_a_case_with_its_opinion_waits_on_finances_report_until_issued(runtime):
    await runtime.consumer(approved("p-1"))
    assert (await finance_work(runtime, FINANCE))["items"] == []  # it waits on the technical review, not Finance
    await runtime.consumer(opinion("p-1", at=T0 + timedelta(days=10)))
    work = await finance_work(runtime, FINANCE)
    assert kinds(work) == [("ISSUE_BUDGET_REVIEW_REPORT", "p-1")]
    assert work["items"][0]["waitingSince"] == (T0 + timedelta(days=10)).isoformat()
    assert (await finance_work(runtime, UNIT))["items"] == []
    await set_line(runtime, "p-1", "EQUIPMENT", ESTIMATE, ESTIMATE)
    await issue_report(runtime, "p-1")
    assert (await finance_work(runtime, FINANCE))["items"] == []


async def test_r_fin_7_assets_wait_on_the_unit_and_past_the_grace_period_on_financess_reminder(runtime):
    await accepted_project(runtime, "p-1")
    with clock_at(LATER):
        assert kinds(await finance_work(runtime, FINANCE)) == [("REVIEW_SETTLEMENT", "p-1"),
                                                               ("REMIND_ASSET_REGISTRATION", "p-1")]
        work = await finance_work(runtime, FINANCE)
        assert [i["waitingSince"] for i in work["items"]] == [ACCEPTED_AT.isoformat(),
                                                              (ACCEPTED_AT + GRACE).isoformat()]
        assert kinds(await finance_work(runtime, UNIT)) == [("REGISTER_ASSETS", "p-1")]
        await remind(runtime, "p-1")
        assert kinds(await finance_work(runtime, FINANCE)) == [("REVIEW_SETTLEMENT", "p-1")]
        unit = await finance_work(runtime, UNIT)
        assert kinds(unit) == [("ANSWER_ASSET_REMINDER", "p-1")] and unit["items"][0]["waitingSince"] == LATER.isoformat()
    with clock_at(ACCEPTED_AT + timedelta(days=1)):  # inside the grace period: nothing for Finance to remind yet
        await accepted_project(runtime, "p-2")
        assert ("REMIND_ASSET_REGISTRATION", "p-2") not in kinds(await finance_work(runtime, FINANCE))
    await register(runtime, project_id="p-1")
    await complete(runtime, "p-1")
    assert "p-1" not in [p for _, p in kinds(await finance_work(runtime, UNIT))]


async def test_r_sec_2_a_classified_projects_work_reaches_finance_and_its_unit_only(runtime):
    await accepted_project(runtime, "p-9", classified=True)
    with clock_at(LATER):
        assert ("REGISTER_ASSETS", "p-9") in kinds(await finance_work(runtime, UNIT))
        assert ("REMIND_ASSET_REGISTRATION", "p-9") in kinds(await finance_work(runtime, FINANCE))
        for outsider in (OTHER_UNIT, LEADING_GROUP):
            assert await finance_work(runtime, outsider) == {"items": [], "counts": []}


async def test_another_owners_key_gets_nothing_and_statements_do_not_grow_with_projects(runtime):
    await accepted_project(runtime, "p-1")
    assert await finance_work(runtime, OTHER_UNIT, owner=UNIT) == {"items": [], "counts": []}
    assert await finance_work(runtime, UNIT, owner=FINANCE) == {"items": [], "counts": []}
    with clock_at(LATER), statements(runtime) as one:
        await finance_work(runtime, FINANCE)
    for n in range(2, 5):
        await accepted_project(runtime, f"p-{n}")
    with clock_at(LATER), statements(runtime) as four:
        assert (await finance_work(runtime, FINANCE))["counts"] == [
            {"kind": "REVIEW_SETTLEMENT", "count": 4}, {"kind": "REMIND_ASSET_REGISTRATION", "count": 4}]
    assert len(one) == len(four) <= 6
