"""The annual audit plan through the subgraph, on SQLite: R-AUD-1 (20M and above in full), R-AUD-2 (the
commit-reveal draw and its refusals), R-AUD-3 (the population is the accepted projects), events in the outbox."""
from datetime import datetime, timezone

from services.audit.adapters import orm
from services.audit.domain.sampling.document import verify_document
from tests.unit.audit.support import (
    COMMIT,
    MILLION_YUAN,
    PLAN,
    REVEAL,
    SEED,
    YEAR,
    accept_projects,
    accepted,
    approved,
    commit_input,
    committed_and_drawn,
    count,
    document_of,
    gql,
    mutate,
    outbox_events,
    snapshot,
)

TWENTY_MILLION = 20 * MILLION_YUAN
PROJECTS = {f"p-{i:04d}": (i % 7 + 1) * MILLION_YUAN for i in range(1, 21)}  # 20 projects of 1M-7M yuan


async def test_R_AUD_1_twenty_million_yuan_exactly_is_in_the_plan_in_full_and_not_in_the_frame(runtime):
    await accept_projects(runtime, {**PROJECTS, "p-9001": TWENTY_MILLION, "p-9002": TWENTY_MILLION - 1})
    plan = (await mutate(runtime, COMMIT, i=commit_input()))["auditPlan"]
    reasons = {e["projectId"]: e["reason"] for e in plan["entries"]}
    assert reasons["p-9001"] == "THRESHOLD"  # 2000万元以上 includes 20M itself
    assert reasons["p-9002"] == "AWAITING_DRAW"  # one fen below: in the frame
    frame_ids = {item["project_id"] for item in document_of(plan)["frame"]}
    assert "p-9001" not in frame_ids and "p-9002" in frame_ids
    report = plan["report"]
    assert report["certainty"] == {"count": 1, "amount": TWENTY_MILLION}
    assert report["frame"]["count"] == 21 and report["balanced"] is True
    assert report["population"]["count"] == 22


async def test_R_AUD_2_commit_then_reveal_draws_deterministically_and_anyone_can_recompute_it(runtime):
    await accept_projects(runtime, PROJECTS)
    committed = (await mutate(runtime, COMMIT, i=commit_input(proportion="0.25")))["auditPlan"]
    assert committed["status"] == "COMMITTED" and committed["seed"] is None
    assert document_of(committed)["reveal"] is None  # published before the seed is known
    drawn = (await mutate(runtime, REVEAL, p=committed["id"], s=SEED))["auditPlan"]
    assert drawn["status"] == "DRAWN" and drawn["seed"] == SEED
    sampled = sorted(e["projectId"] for e in drawn["entries"] if e["reason"] == "SAMPLED")
    assert len(sampled) == 5  # ceil(0.25 × 20)
    assert drawn["report"]["selected"]["count"] == 5 and drawn["report"]["inPlan"]["count"] == 5
    verification = verify_document(document_of(drawn))
    assert verification.ok and verification.result.selected_ids == sampled
    stored = (await gql(runtime, PLAN, j="CITY", y=YEAR)).data["auditPlan"]  # read back from the database
    assert sorted(e["projectId"] for e in stored["entries"] if e["reason"] == "SAMPLED") == sampled
    assert stored["document"] == drawn["document"] and stored["report"] == drawn["report"]
    assert drawn["commitment"]["digest"] == committed["commitment"]["digest"]  # the commitment did not move
    [commit_event] = await outbox_events(runtime, "audit.draw.committed.v1")
    [reveal_event] = await outbox_events(runtime, "audit.draw.revealed.v1")
    assert commit_event.data["commitment_digest"] == committed["commitment"]["digest"]
    assert reveal_event.data["selection_digest"] == drawn["selectionDigest"]


async def test_R_AUD_2_a_seed_that_does_not_match_its_commitment_is_refused_and_changes_nothing(runtime):
    await accept_projects(runtime, PROJECTS)
    plan = (await mutate(runtime, COMMIT, i=commit_input()))["auditPlan"]
    before = await snapshot(runtime)
    refused = await mutate(runtime, REVEAL, p=plan["id"], s=SEED + "1")
    assert refused["auditPlan"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-AUD-2", ["seed"])]
    assert await snapshot(runtime) == before


async def test_R_AUD_2_a_second_draw_or_commitment_for_a_year_is_refused_and_changes_nothing(runtime):
    await accept_projects(runtime, PROJECTS)
    plan = await committed_and_drawn(runtime)
    await accept_projects(runtime, {"p-7777": MILLION_YUAN})  # something new to draw from
    before = await snapshot(runtime)
    again = await mutate(runtime, REVEAL, p=plan["id"], s=SEED)
    assert again["userErrors"][0]["code"] == "R-AUD-2" and "already" in again["userErrors"][0]["message"]
    recommitted = await mutate(runtime, COMMIT, i=commit_input(proportion="0.9"))
    assert [(e["code"], e["field"]) for e in recommitted["userErrors"]] == [("R-AUD-2", ["input", "year"])]
    assert await snapshot(runtime) == before


async def test_R_AUD_2_bad_input_is_refused_with_its_field_and_changes_nothing(runtime):
    await accept_projects(runtime, PROJECTS)
    before = await snapshot(runtime)
    cases = [
        (commit_input(proportion="0"), ["input", "proportion"]),
        (commit_input(proportion="1.01"), ["input", "proportion"]),
        (commit_input(proportion="-0.1"), ["input", "proportion"]),
        (commit_input(proportion="a tenth"), ["input", "proportion"]),
        (commit_input(seedCommitment="abc"), ["input", "seedCommitment"]),
        (commit_input(randomnessSource="drand quicknet round 1"), ["input", "seedCommitment"]),  # both given
        (commit_input(jurisdiction="ZIYANG"), ["input", "jurisdiction"]),  # empty frame there
    ]
    for values, field in cases:
        payload = await mutate(runtime, COMMIT, i=values)
        assert payload["auditPlan"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("R-AUD-2", field)], values
    for values, field in ((commit_input(jurisdiction="ATLANTIS"), "jurisdiction"), (commit_input(year=2019), "year"),
                          (commit_input(year=YEAR + 2), "year")):
        invalid = await mutate(runtime, COMMIT, i=values)
        assert [(e["code"], e["field"]) for e in invalid["userErrors"]] == [("INVALID", ["input", field])]
    assert await snapshot(runtime) == before


async def test_R_AUD_3_the_population_is_the_accepted_projects_up_to_the_year_and_each_enters_one_plan(runtime):
    await accept_projects(runtime, PROJECTS)
    await runtime.consumer(approved("p-8001", MILLION_YUAN))  # approved, never accepted: not sent to audit
    late = datetime(YEAR, 12, 31, 16, 30, tzinfo=timezone.utc)  # 1 January next year in Asia/Shanghai
    await runtime.consumer(approved("p-8002", MILLION_YUAN))
    await runtime.consumer(accepted("p-8002", MILLION_YUAN, at=late))
    plan = await committed_and_drawn(runtime)
    ids = {e["projectId"] for e in plan["entries"]}
    assert ids == set(PROJECTS)
    next_year = (await mutate(runtime, COMMIT, i=commit_input(year=YEAR + 1)))["auditPlan"]
    assert {e["projectId"] for e in next_year["entries"]} == {"p-8002"}  # never twice, never lost


async def test_R_SEC_2_classified_projects_below_20m_are_audited_in_full_and_never_in_a_published_frame(runtime):
    await accept_projects(runtime, PROJECTS)
    await accept_projects(runtime, {"p-5001": 3 * MILLION_YUAN}, classified=True)
    plan = (await mutate(runtime, COMMIT, i=commit_input()))["auditPlan"]
    assert {e["projectId"]: e["reason"] for e in plan["entries"]}["p-5001"] == "CLASSIFIED"
    assert "p-5001" not in {item["project_id"] for item in document_of(plan)["frame"]}
    assert plan["report"]["classifiedInFull"] == {"count": 1, "amount": 3 * MILLION_YUAN}


async def test_R_AUD_2_the_published_plan_can_be_read_by_oversight_but_not_by_a_unit_or_the_public(runtime):
    from tests.unit.audit.support import ANONYMOUS, SUPERVISORY, UNIT

    await accept_projects(runtime, PROJECTS)
    await committed_and_drawn(runtime)
    assert (await gql(runtime, PLAN, SUPERVISORY, j="CITY", y=YEAR)).data["auditPlan"]["status"] == "DRAWN"
    for outsider, code in ((UNIT, "FORBIDDEN"), (ANONYMOUS, "UNAUTHENTICATED")):
        result = await gql(runtime, PLAN, outsider, j="CITY", y=YEAR)
        assert result.errors[0].extensions["code"] == code
    assert await count(runtime, orm.plans) == 1


async def test_R_AUD_2_a_frame_changed_after_the_commitment_is_refused_at_the_reveal(runtime):
    from sqlalchemy import update

    await accept_projects(runtime, PROJECTS)
    plan = (await mutate(runtime, COMMIT, i=commit_input()))["auditPlan"]
    async with runtime.sessions() as session, session.begin():
        await session.execute(update(orm.population).where(orm.population.c.project_id == "p-0003")
                              .values(amount=1))  # somebody edits the stored frame to steer a PPS or SRS draw
    before = await snapshot(runtime)
    refused = await mutate(runtime, REVEAL, p=plan["id"], s=SEED)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-AUD-2", ["planId"])]
    assert "no longer matches" in refused["userErrors"][0]["message"] and await snapshot(runtime) == before
