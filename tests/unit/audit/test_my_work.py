"""`myWork { auditWork }`: what waits on the Audit Bureau (the plan to commit, the draw to reveal, engagements to
open, to take into fieldwork and to close), oldest first, gone once acted on; nothing for anyone else."""
from __future__ import annotations

from shared.work import owner_of
from tests.unit.audit.support import (
    ACCEPTED, BUREAU, CLOSE, COMMIT, FIELDWORK, MILLION_YUAN, OPEN, OTHER_UNIT, REVEAL, SCHEMA, SEED, SUPERVISORY,
    UNIT, accept_projects, commit_input, mutate,
)
from tests.unit.work_support import kinds, statements, work_of

MAJOR = {"p-9001": 30 * MILLION_YUAN}


async def audit_work(runtime, identity, owner=None) -> dict:
    return await work_of(SCHEMA, runtime, identity, "auditWork", owner=owner)


async def test_r_aud_1_accepted_projects_wait_for_the_plan_then_the_draw_then_their_engagement(runtime):
    await accept_projects(runtime, {**MAJOR, "p-0001": 2 * MILLION_YUAN})
    work = await audit_work(runtime, BUREAU)
    assert [(i["kind"], i["jurisdiction"]) for i in work["items"]] == [("COMMIT_AUDIT_PLAN", "CITY")]
    assert work["items"][0]["waitingSince"] == ACCEPTED.isoformat()
    plan = (await mutate(runtime, COMMIT, i=commit_input(proportion="1")))["auditPlan"]
    # The 30M project is in the plan from the commitment (R-AUD-1); the draw waits for its seed (R-AUD-2).
    # Both wait since the commitment; equal instants go in the kinds' code order.
    assert kinds(await audit_work(runtime, BUREAU)) == [("OPEN_AUDIT_ENGAGEMENT", "p-9001"), ("REVEAL_AUDIT_DRAW", None)]
    assert (await mutate(runtime, REVEAL, p=plan["id"], s=SEED))["userErrors"] == []
    assert sorted(kinds(await audit_work(runtime, BUREAU))) == [("OPEN_AUDIT_ENGAGEMENT", "p-0001"),
                                                               ("OPEN_AUDIT_ENGAGEMENT", "p-9001")]
    opened = await mutate(runtime, OPEN, p="p-9001")
    engagement = opened["engagement"]["id"]
    assert ("START_AUDIT_FIELDWORK", "p-9001") in kinds(await audit_work(runtime, BUREAU))
    await mutate(runtime, FIELDWORK, e=engagement)
    assert ("CLOSE_AUDIT_ENGAGEMENT", "p-9001") in kinds(await audit_work(runtime, BUREAU))
    await mutate(runtime, CLOSE, e=engagement, c="funds used as approved")
    assert kinds(await audit_work(runtime, BUREAU)) == [("OPEN_AUDIT_ENGAGEMENT", "p-0001")]
    counts = (await audit_work(runtime, BUREAU))["counts"]
    assert counts == [{"kind": "OPEN_AUDIT_ENGAGEMENT", "count": 1}]


async def test_article_5_audit_work_is_the_audit_bureaus_only_and_another_owners_key_gets_nothing(runtime):
    await accept_projects(runtime, {**MAJOR, "p-0001": 2 * MILLION_YUAN})
    assert (await mutate(runtime, COMMIT, i=commit_input()))["userErrors"] == []
    assert (await audit_work(runtime, BUREAU))["items"]
    for other in (UNIT, OTHER_UNIT, SUPERVISORY):
        assert await audit_work(runtime, other) == {"items": [], "counts": []}
    assert await audit_work(runtime, UNIT, owner=BUREAU) == {"items": [], "counts": []}
    assert owner_of(UNIT) != owner_of(BUREAU)


async def test_the_audit_queue_takes_the_same_statements_for_one_project_or_many(runtime):
    await accept_projects(runtime, {**MAJOR, "p-0001": 2 * MILLION_YUAN})
    assert (await mutate(runtime, COMMIT, i=commit_input()))["userErrors"] == []
    with statements(runtime) as one:
        await audit_work(runtime, BUREAU)
    await accept_projects(runtime, {f"p-80{i:02d}": 30 * MILLION_YUAN for i in range(4)})
    with statements(runtime) as more:
        assert len((await audit_work(runtime, BUREAU))["items"]) == 3  # the new ones wait for the next plan
    assert len(one) == len(more) <= 4
