"""`myWork { financeWork }`: what waits on the Finance Bureau and on a construction unit in the finance service,
oldest first, gone once acted on; need to know; another owner's key; a bounded number of statements."""
from __future__ import annotations

from datetime import timedelta

from shared.clock import clock_at, utc_now
from tests.unit.finance.asset_support import ACCEPTED_AT, GRACE, accepted_project, complete, register, remind
from tests.unit.finance.money_support import APPROVAL, DRAFT_PLAN, OPEN_CHECK, RECORD_CHECK, REVIEW_PLAN, \
    SANCTION, SIGN_PLAN, THIS_YEAR, UNIT, allocate, finding, mutate, reported
from tests.unit.finance.support import FINANCE, SCHEMA, T0, approved, issue_report, opinion, set_line, \
    ESTIMATE
from tests.unit.work_support import kinds, statements, work_of
from shared.auth import Department, Identity

OTHER_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau", subject="edu")
LEADING_GROUP = Identity(Department.LEADING_GROUP, unit="leading-group")
SUPERVISORY = Identity(Department.SUPERVISORY_COMMISSION, unit="jiwei", roles=("SECRECY_CLEARANCE",))
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


NOBODY = {"items": [], "counts": []}
START = utc_now().replace(microsecond=0) + timedelta(hours=1)


def soon(step: int):
    """The instant of the test's `step`-th decision, a minute apart, after the set-up."""
    return START + timedelta(minutes=step)


async def plan_step(runtime, query: str, name: str, identity, step: int, **variables) -> None:
    with clock_at(soon(step)):
        done = await mutate(runtime, query, name, identity, j="CITY", y=THIS_YEAR, **variables)
    assert done["userErrors"] == [], (name, done)


async def test_r_pln_2_the_special_fund_plan_waits_on_each_signer_then_the_leading_group(runtime):
    await reported(runtime, classified=True)  # a classified line: the plan's work names no project (R-SEC-2)
    assert (await allocate(runtime, "p-1", THIS_YEAR, 100_00))["userErrors"] == []
    everyone = (FINANCE, APPROVAL, LEADING_GROUP, UNIT, OTHER_UNIT, SUPERVISORY)

    async def waits_on(departments, kind: str, step: int) -> None:
        for identity in everyone:
            work = await finance_work(runtime, identity)
            if identity in departments:
                assert [(i["kind"], i["jurisdiction"], i["year"], i["projectId"], i["waitingSince"])
                        for i in work["items"]] == [(kind, "CITY", THIS_YEAR, None, soon(step).isoformat())]
                assert work["counts"] == [{"kind": kind, "count": 1}], identity
            else:
                assert work == NOBODY, (identity, work)

    await plan_step(runtime, DRAFT_PLAN, "draftSpecialFundPlan", FINANCE, 1)
    await waits_on((FINANCE, APPROVAL), "SIGN_SPECIAL_FUND_PLAN", 1)
    await plan_step(runtime, SIGN_PLAN, "signSpecialFundPlan", FINANCE, 2)
    await waits_on((APPROVAL,), "SIGN_SPECIAL_FUND_PLAN", 1)  # since the draft, still
    with clock_at(soon(3)):  # a line's refresh voids the signature: both sign again, since the refresh
        assert (await allocate(runtime, "p-1", THIS_YEAR, 120_00))["userErrors"] == []
    await waits_on((FINANCE, APPROVAL), "SIGN_SPECIAL_FUND_PLAN", 3)
    await plan_step(runtime, SIGN_PLAN, "signSpecialFundPlan", APPROVAL, 4)
    await plan_step(runtime, SIGN_PLAN, "signSpecialFundPlan", FINANCE, 5)
    await waits_on((LEADING_GROUP,), "REVIEW_SPECIAL_FUND_PLAN", 5)  # since the second signature
    await plan_step(runtime, REVIEW_PLAN, "reviewSpecialFundPlan", LEADING_GROUP, 6, a=False, r="phase it")
    await waits_on((FINANCE, APPROVAL), "SIGN_SPECIAL_FUND_PLAN", 6)  # since the return
    await plan_step(runtime, SIGN_PLAN, "signSpecialFundPlan", FINANCE, 7)
    await plan_step(runtime, SIGN_PLAN, "signSpecialFundPlan", APPROVAL, 8)
    await waits_on((LEADING_GROUP,), "REVIEW_SPECIAL_FUND_PLAN", 8)
    await plan_step(runtime, REVIEW_PLAN, "reviewSpecialFundPlan", LEADING_GROUP, 9, a=True)
    await waits_on((), "", 0)


async def test_r_fin_5_an_open_spot_check_waits_on_finance_until_concluded(runtime):
    await reported(runtime, "p-1", classified=True)
    await reported(runtime, "p-2")
    checks = []
    for step, project in ((2, "p-2"), (1, "p-1")):
        with clock_at(soon(step)):
            opened = await mutate(runtime, OPEN_CHECK, "openSpotCheck", input={"projectId": project, "scope": "pay"})
        checks.append(opened["spotCheck"]["id"])
    work = await finance_work(runtime, FINANCE)
    assert kinds(work) == [("CONCLUDE_SPOT_CHECK", "p-1"), ("CONCLUDE_SPOT_CHECK", "p-2")]
    assert [i["waitingSince"] for i in work["items"]] == [soon(1).isoformat(), soon(2).isoformat()]
    assert work["counts"] == [{"kind": "CONCLUDE_SPOT_CHECK", "count": 2}]
    for outsider in (UNIT, OTHER_UNIT, LEADING_GROUP, SUPERVISORY):  # nothing on the unit; the secret stays secret
        assert await finance_work(runtime, outsider) == NOBODY, outsider
    for check in checks:
        done = await mutate(runtime, RECORD_CHECK, "recordSpotCheckResult", input={
            "spotCheckId": check, "irregularitiesFound": False, "result": "in order"})
        assert done["userErrors"] == []
    assert await finance_work(runtime, FINANCE) == NOBODY


async def test_r_fin_4_a_named_violation_waits_on_finance_until_a_sanction_answers_it(runtime):
    await reported(runtime, "p-1", classified=True)
    await runtime.consumer(finding("p-1", violation="MISAPPROPRIATION", finding_id="f-1"))
    await runtime.consumer(finding("p-1", violation="OTHER", finding_id="f-2"))  # at Finance's discretion: no work
    work = await finance_work(runtime, FINANCE)
    assert kinds(work) == [("ACT_ON_AUDIT_FINDING", "p-1")]
    assert work["items"][0]["waitingSince"] == (T0 + timedelta(days=250)).isoformat()  # the publication
    assert work["counts"] == [{"kind": "ACT_ON_AUDIT_FINDING", "count": 1}]
    for outsider in (UNIT, OTHER_UNIT, LEADING_GROUP, SUPERVISORY):
        assert await finance_work(runtime, outsider) == NOBODY, outsider
    done = await mutate(runtime, SANCTION, "imposeSanction", input={
        "findingId": "f-1", "kind": "STOP_PAYMENTS", "amount": 0, "reason": "Art 21 finding"})
    assert done["userErrors"] == []
    assert await finance_work(runtime, FINANCE) == NOBODY
