"""R-OVS-1 at the service: every decision of the bureau is one trail entry, committed with it; refusals leave
none; oversight reads and verifies the chain (classified content withheld without clearance); tampering with the
stored trail is found at the entry tampered with."""
import json

from sqlalchemy import update

from services.audit.adapters import orm
from tests.unit.audit.support import (
    CLEARED_SUPERVISORY,
    COMMIT,
    FIELDWORK,
    FINDING,
    MILLION_YUAN,
    OPEN,
    REVEAL,
    SUPERVISORY,
    TRAIL,
    VERIFY_TRAIL,
    accept_projects,
    commit_input,
    count,
    finding_input,
    gql,
    mutate,
)


async def _decisions(runtime) -> None:
    await accept_projects(runtime, {"p-0001": MILLION_YUAN, "p-0002": 2 * MILLION_YUAN})
    await accept_projects(runtime, {"p-5001": 3 * MILLION_YUAN}, classified=True)
    plan = (await mutate(runtime, COMMIT, i=commit_input()))["auditPlan"]
    await mutate(runtime, REVEAL, p=plan["id"], s="wrong seed")  # refused: no entry
    from tests.unit.audit.support import SEED

    await mutate(runtime, REVEAL, p=plan["id"], s=SEED)
    engagement = (await mutate(runtime, OPEN, p="p-5001"))["engagement"]
    await mutate(runtime, FIELDWORK, e=engagement["id"])
    await mutate(runtime, FINDING, e=engagement["id"], i=finding_input())


async def test_R_OVS_1_every_decision_and_only_decisions_are_in_the_trail_who_when_what_why(runtime):
    await _decisions(runtime)
    entries = (await gql(runtime, TRAIL, a=0)).data["auditTrail"]
    assert [e["action"] for e in entries] == ["COMMIT_DRAW", "REVEAL_DRAW", "OPEN_ENGAGEMENT", "START_FIELDWORK",
                                              "PUBLISH_FINDING"]
    assert all(e["actor"] == "audit:clerk-1" and e["at"] for e in entries)
    finding = json.loads(entries[-1]["content"])
    assert finding["reason"] == finding_input()["summary"] and finding["details"]["amount"] == 1_200_000_00
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert all(a["entryHash"] == b["previousHash"] for a, b in zip(entries, entries[1:]))


async def test_R_OVS_1_oversight_verifies_the_chain_and_sees_classified_content_only_with_clearance(runtime):
    await _decisions(runtime)
    plain = (await gql(runtime, VERIFY_TRAIL, SUPERVISORY)).data["auditTrailVerification"]
    assert plain["intact"] is True and plain["checked"] == 5 and plain["withheld"] == 3
    cleared = (await gql(runtime, VERIFY_TRAIL, CLEARED_SUPERVISORY)).data["auditTrailVerification"]
    assert cleared["withheld"] == 0 and cleared["headHash"] == plain["headHash"]
    withheld = [e for e in (await gql(runtime, TRAIL, SUPERVISORY, a=0)).data["auditTrail"] if e["classified"]]
    assert len(withheld) == 3 and all(e["content"] is None and e["action"] is None for e in withheld)


async def test_R_OVS_1_an_entry_altered_in_the_database_is_reported_as_the_first_broken_link(runtime):
    await _decisions(runtime)
    async with runtime.sessions() as session, session.begin():
        content = (await session.execute(orm.trail.select().where(orm.trail.c.seq == 2))).mappings().one()["content"]
        await session.execute(update(orm.trail).where(orm.trail.c.seq == 2).values(
            content=content.replace('"selected_count":1', '"selected_count":2')))
    report = (await gql(runtime, VERIFY_TRAIL)).data["auditTrailVerification"]
    assert report["intact"] is False and report["brokenAtSeq"] == 2 and report["checked"] == 1
    assert await count(runtime, orm.trail) == 5
