"""R-OVS-1 at the service: every decision of the bureau is one entry of its decision trail, committed with it and
citing its rule; refusals leave none; the supervisory commission reads and verifies the chain (a classified project's
content withheld without clearance); an entry altered in the database is named as the first broken one."""
import json

from sqlalchemy import func, update

from services.audit.adapters import orm
from tests.unit.audit.support import (
    CLEARED_SUPERVISORY,
    COMMIT,
    FIELDWORK,
    FINDING,
    MILLION_YUAN,
    OPEN,
    REVEAL,
    SEED,
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
    await mutate(runtime, REVEAL, p=plan["id"], s=SEED)
    engagement = (await mutate(runtime, OPEN, p="p-5001"))["engagement"]
    await mutate(runtime, FIELDWORK, e=engagement["id"])
    await mutate(runtime, FINDING, e=engagement["id"], i=finding_input())


async def test_R_OVS_1_every_decision_and_only_decisions_are_in_the_trail_who_when_what_why_rule(runtime):
    await _decisions(runtime)
    entries = (await gql(runtime, TRAIL, a=0)).data["auditTrail"]
    assert [e["action"] for e in entries] == ["COMMIT_DRAW", "REVEAL_DRAW", "OPEN_ENGAGEMENT", "START_FIELDWORK",
                                              "PUBLISH_FINDING"]
    assert [e["rule"] for e in entries] == ["R-AUD-2", "R-AUD-2", "R-AUD-1", "R-AUD-1", "R-FIN-4"]
    assert all(e["actor"] == "audit:clerk-1" and e["at"] for e in entries)
    assert [e["subjectType"] for e in entries] == ["PLAN", "PLAN", "ENGAGEMENT", "ENGAGEMENT", "FINDING"]
    finding = json.loads(entries[-1]["content"])
    assert finding["reason"] == finding_input()["summary"] and finding["details"]["amount"] == 1_200_000_00
    assert entries[-1]["projectId"] == "p-5001"
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert all(a["entryHash"] == b["previousHash"] for a, b in zip(entries, entries[1:]))
    assert [e["seq"] for e in (await gql(runtime, TRAIL, a=3)).data["auditTrail"]] == [4, 5]


async def test_R_OVS_1_the_commission_verifies_the_chain_and_sees_classified_content_only_with_clearance(runtime):
    await _decisions(runtime)
    plain = (await gql(runtime, VERIFY_TRAIL, SUPERVISORY)).data["auditTrailVerification"]
    assert plain == {"entries": 5, "intact": True, "firstBrokenSeq": None, "problem": None, "headSeq": 5,
                     "headHash": plain["headHash"]}
    withheld = [e for e in (await gql(runtime, TRAIL, SUPERVISORY, a=0)).data["auditTrail"] if e["withheld"]]
    assert len(withheld) == 3 and all(e["content"] is None and e["action"] is None and e["classified"]
                                      for e in withheld)
    cleared = (await gql(runtime, TRAIL, CLEARED_SUPERVISORY, a=0)).data["auditTrail"]
    assert not any(e["withheld"] for e in cleared)


async def test_R_OVS_1_an_entry_altered_in_the_database_is_reported_as_the_first_broken_link(runtime):
    await _decisions(runtime)
    async with runtime.sessions() as session, session.begin():
        await session.execute(update(orm.trail.entries).where(orm.trail.entries.c.seq == 2).values(
            content=func.replace(orm.trail.entries.c.content, '"selected_count":1', '"selected_count":2')))
    report = (await gql(runtime, VERIFY_TRAIL)).data["auditTrailVerification"]
    assert report["intact"] is False and report["firstBrokenSeq"] == 2 and report["entries"] == 1
    assert report["problem"].startswith("CONTENT_ALTERED")
    assert await count(runtime, orm.trail.entries) == 5
