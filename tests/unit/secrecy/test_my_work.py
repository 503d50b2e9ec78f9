"""`myWork { secrecyWork }`: what waits on the Secrecy Bureau (classifications, reviews, pre-use) and on the unit
(fixes after a failed review), oldest first, gone once acted on; need to know; another owner's key."""
from __future__ import annotations

from datetime import timedelta

from shared.clock import clock_at, utc_now
from tests.unit.secrecy.support import (
    APPROVAL, APPROVE_USE, BUREAU, CLEARED_SUPERVISORY, CONFIRM, EVALUATE, FAIL, OTHER_UNIT, PARENT_UNIT, PASS,
    REOPEN, SCHEMA, SUPERVISORY, T0, UNIT, accepted, approved, evaluation_input, mutate, submitted,
)
from tests.unit.work_support import kinds, statements, work_of


async def secrecy_work(runtime, identity, owner=None) -> dict:
    return await work_of(SCHEMA, runtime, identity, "secrecyWork", owner=owner)


async def test_r_sec_1_classifications_and_reviews_wait_on_the_bureau_oldest_first(runtime):
    with clock_at(T0):
        await runtime.consumer(submitted("p-1", declared_classified=True, at=T0))
    with clock_at(T0 + timedelta(days=1)):
        await runtime.consumer(submitted("p-2", declared_classified=True, at=T0 + timedelta(days=1)))
        await runtime.consumer(submitted("p-3", declared_classified=False, at=T0 + timedelta(days=1)))
    work = await secrecy_work(runtime, BUREAU)
    assert kinds(work) == [("DECIDE_CLASSIFICATION", "p-1"), ("DECIDE_CLASSIFICATION", "p-2")]
    assert work["counts"] == [{"kind": "DECIDE_CLASSIFICATION", "count": 2}]
    with clock_at(T0 + timedelta(days=2)):
        assert (await mutate(runtime, CONFIRM, p="p-1", l="SECRET"))["userErrors"] == []
    with clock_at(T0 + timedelta(days=3)):
        await runtime.consumer(approved("p-1", classified=True, at=T0 + timedelta(days=3)))
    assert kinds(await secrecy_work(runtime, BUREAU)) == [("DECIDE_CLASSIFICATION", "p-2"),
                                                          ("CONCLUDE_SECRECY_REVIEW", "p-1")]


async def test_r_rev_3_a_failed_review_waits_on_its_unit_until_the_bureau_reopens_it(runtime):
    with clock_at(T0):
        await runtime.consumer(submitted("p-1", declared_classified=True))
        await mutate(runtime, CONFIRM, p="p-1", l="SECRET")
        await runtime.consumer(approved("p-1", classified=True))
    with clock_at(T0 + timedelta(days=9)):
        assert (await mutate(runtime, FAIL, p="p-1", r=["no isolation plan"]))["userErrors"] == []
    work = await secrecy_work(runtime, UNIT)
    assert kinds(work) == [("FIX_SECRECY_REVIEW_FINDINGS", "p-1")]
    assert work["items"][0]["waitingSince"] == (T0 + timedelta(days=9)).isoformat()
    assert kinds(await secrecy_work(runtime, PARENT_UNIT)) == [("FIX_SECRECY_REVIEW_FINDINGS", "p-1")]
    assert (await secrecy_work(runtime, BUREAU))["items"] == []
    with clock_at(T0 + timedelta(days=20)):
        await mutate(runtime, REOPEN, p="p-1")
    assert (await secrecy_work(runtime, UNIT))["items"] == []
    reopened = await secrecy_work(runtime, BUREAU)
    assert kinds(reopened) == [("CONCLUDE_SECRECY_REVIEW", "p-1")]
    assert reopened["items"][0]["waitingSince"] == (T0 + timedelta(days=20)).isoformat()  # since reopened


async def test_r_sec_2_no_outsider_hears_of_a_classified_projects_work(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    for outsider in (OTHER_UNIT, APPROVAL, SUPERVISORY):
        assert await secrecy_work(runtime, outsider) == {"items": [], "counts": []}
    assert await secrecy_work(runtime, OTHER_UNIT, owner=BUREAU) == {"items": [], "counts": []}
    assert await secrecy_work(runtime, BUREAU, owner=OTHER_UNIT) == {"items": [], "counts": []}


async def test_the_secrecy_queue_takes_the_same_statements_for_one_project_or_many(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    with statements(runtime) as one:
        await secrecy_work(runtime, BUREAU)
    for n in range(2, 6):
        await runtime.consumer(submitted(f"p-{n}", declared_classified=True))
    with statements(runtime) as five:
        assert len((await secrecy_work(runtime, BUREAU))["items"]) == 5
    assert len(one) == len(five) <= 3


NOBODY = {"items": [], "counts": []}
START = utc_now().replace(microsecond=0) + timedelta(hours=1)


def soon(step: int):
    """The instant of the test's `step`-th decision, a minute apart, after the set-up."""
    return START + timedelta(minutes=step)


async def test_r_sec_1_r_acc_5_a_classified_project_waits_for_its_evaluation_its_fixes_and_the_pre_use_decision(
        runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    assert (await mutate(runtime, CONFIRM, p="p-1", l="SECRET"))["userErrors"] == []
    await runtime.consumer(approved("p-1", classified=True))
    assert (await mutate(runtime, PASS, p="p-1", o="protection measures adequate"))["userErrors"] == []
    assert await secrecy_work(runtime, BUREAU) == NOBODY

    async def waits_on(departments, kind: str, step: int) -> None:
        for identity in (BUREAU, UNIT, PARENT_UNIT, OTHER_UNIT, APPROVAL, SUPERVISORY, CLEARED_SUPERVISORY):
            work = await secrecy_work(runtime, identity)
            if identity in departments:
                assert kinds(work) == [(kind, "p-1")], identity
                assert work["items"][0]["waitingSince"] == soon(step).isoformat(), identity
                assert work["counts"] == [{"kind": kind, "count": 1}]
            else:  # R-SEC-2: no one outside the project's workflow hears of it
                assert work == NOBODY, (identity, work)

    with clock_at(soon(1)):  # the acceptance opens the pre-use review (R-ACC-5)
        await runtime.consumer(accepted("p-1", classified=True, at=soon(1)))
    await waits_on((BUREAU,), "RECORD_GRADED_PROTECTION_EVALUATION", 1)
    with clock_at(soon(2)):
        failed = await mutate(runtime, EVALUATE, p="p-1", i=evaluation_input("FAILED"))
    assert failed["userErrors"] == []
    await waits_on((UNIT, PARENT_UNIT), "FIX_GRADED_PROTECTION_FINDINGS", 2)
    with clock_at(soon(3)):
        passed = await mutate(runtime, EVALUATE, p="p-1", i=evaluation_input("PASSED", reportNumber="FB-2026-019"))
    assert passed["userErrors"] == []
    await waits_on((BUREAU,), "DECIDE_PRE_USE", 3)  # since the passed evaluation
    assert (await mutate(runtime, APPROVE_USE, p="p-1"))["userErrors"] == []
    await waits_on((), "", 0)
