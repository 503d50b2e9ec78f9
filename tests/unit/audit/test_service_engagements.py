"""Engagements and findings through the subgraph, on SQLite: only planned projects are audited, the engagement
state machine, findings published to Finance (R-FIN-4), the Project entity's audit fields by need to know."""
from services.audit.adapters import orm
from tests.unit.audit.support import (
    ANONYMOUS,
    BUREAU,
    CLEARED_SUPERVISORY,
    CLOSE,
    COMMIT,
    FIELDWORK,
    FINDING,
    MILLION_YUAN,
    OPEN,
    OTHER_UNIT,
    SUPERVISORY,
    UNIT,
    YEAR,
    accept_projects,
    commit_input,
    committed_and_drawn,
    count,
    finding_input,
    mutate,
    outbox_events,
    project,
    snapshot,
)

SMALL = {f"p-{i:04d}": (i + 1) * MILLION_YUAN for i in range(1, 11)}


async def _drawn(runtime) -> dict:
    await accept_projects(runtime, {**SMALL, "p-9001": 30 * MILLION_YUAN})
    return await committed_and_drawn(runtime, proportion="0.3")


def _reason(plan: dict, reason: str) -> str:
    return next(e["projectId"] for e in plan["entries"] if e["reason"] == reason)


async def test_R_AUD_1_only_a_project_in_the_plan_gets_an_engagement(runtime):
    await accept_projects(runtime, {**SMALL, "p-9001": 30 * MILLION_YUAN})
    committed = (await mutate(runtime, COMMIT, i=commit_input(proportion="0.3")))["auditPlan"]
    await accept_projects(runtime, {"p-8888": MILLION_YUAN})  # accepted after the population froze
    before = await snapshot(runtime)
    awaiting = await mutate(runtime, OPEN, p="p-0001")
    assert awaiting["userErrors"][0]["code"] == "R-AUD-2" and "not been made" in awaiting["userErrors"][0]["message"]
    outside = await mutate(runtime, OPEN, p="p-8888")
    assert outside["userErrors"][0]["code"] == "R-AUD-1"
    assert await snapshot(runtime) == before
    assert (await mutate(runtime, OPEN, p="p-9001"))["engagement"]["status"] == "OPEN"  # certainty: at once
    from tests.unit.audit.support import REVEAL, SEED

    plan = (await mutate(runtime, REVEAL, p=committed["id"], s=SEED))["auditPlan"]
    not_drawn = await mutate(runtime, OPEN, p=_reason(plan, "NOT_SELECTED"))
    assert not_drawn["userErrors"][0]["code"] == "R-AUD-2"
    assert (await mutate(runtime, OPEN, p=_reason(plan, "SAMPLED")))["engagement"]["status"] == "OPEN"
    twice = await mutate(runtime, OPEN, p="p-9001")
    assert twice["userErrors"][0]["code"] == "R-AUD-1" and await count(runtime, orm.engagements) == 2


async def test_R_FIN_4_an_engagement_runs_open_fieldwork_findings_closed_and_its_finding_reaches_finance(runtime):
    plan = await _drawn(runtime)
    engagement = (await mutate(runtime, OPEN, p="p-9001"))["engagement"]
    early = await mutate(runtime, FINDING, e=engagement["id"], i=finding_input())
    assert early["userErrors"][0]["code"] == "R-FIN-4"  # no finding before fieldwork
    assert (await mutate(runtime, FIELDWORK, e=engagement["id"]))["engagement"]["status"] == "FIELDWORK"
    published = await mutate(runtime, FINDING, e=engagement["id"], i=finding_input())
    assert published["userErrors"] == [] and published["engagement"]["status"] == "FINDINGS"
    assert published["finding"]["evidence"] == ["working paper WP-07", "voucher 2026-0412"]
    [event] = await outbox_events(runtime, "audit.finding.published.v1")
    assert event.data["project_id"] == "p-9001" and event.data["violation_type"] == "MISAPPROPRIATION"
    assert event.data["amount"] == 1_200_000_00 and event.data["finding_id"] == published["finding"]["id"]
    assert "evidence" not in event.data  # the evidence stays with the Audit Bureau
    closed = await mutate(runtime, CLOSE, e=engagement["id"], c="funds to be recovered; see finding")
    assert closed["engagement"]["status"] == "CLOSED" and len(closed["engagement"]["findings"]) == 1
    after = await mutate(runtime, FINDING, e=engagement["id"], i=finding_input())
    assert after["userErrors"][0]["code"] == "R-FIN-4"
    assert plan["year"] == YEAR


async def test_R_FIN_4_a_finding_without_type_amount_or_evidence_is_refused_and_changes_nothing(runtime):
    await _drawn(runtime)
    engagement = (await mutate(runtime, OPEN, p="p-9001"))["engagement"]
    await mutate(runtime, FIELDWORK, e=engagement["id"])
    before = await snapshot(runtime)
    for values, field in ((finding_input(evidence=[" "]), ["input", "evidence"]),
                          (finding_input(amount=0), ["input", "amount"]),
                          (finding_input(summary=""), ["input", "summary"])):
        refused = await mutate(runtime, FINDING, e=engagement["id"], i=values)
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-FIN-4", field)]
    assert await snapshot(runtime) == before
    other = await mutate(runtime, FINDING, e=engagement["id"], i=finding_input(violationType="OTHER", amount=0))
    assert other["userErrors"] == []  # a finding of another kind may name no amount
    closing = await mutate(runtime, CLOSE, e=engagement["id"], c="  ")
    assert closing["userErrors"][0]["code"] == "R-AUD-1"


async def test_R_SEC_2_a_classified_projects_finding_leaves_the_service_without_its_text(runtime):
    await accept_projects(runtime, {"p-0001": MILLION_YUAN, "p-0002": MILLION_YUAN})
    await accept_projects(runtime, {"p-5001": 2 * MILLION_YUAN}, classified=True)
    await committed_and_drawn(runtime)
    engagement = (await mutate(runtime, OPEN, p="p-5001"))["engagement"]
    await mutate(runtime, FIELDWORK, e=engagement["id"])
    await mutate(runtime, FINDING, e=engagement["id"], i=finding_input(summary="secret room built without approval"))
    [event] = await outbox_events(runtime, "audit.finding.published.v1")
    assert "secret room" not in event.data["summary"]


async def test_R_SEC_2_the_project_shows_its_audit_fields_to_those_who_may_see_it(runtime):
    await _drawn(runtime)
    engagement = (await mutate(runtime, OPEN, p="p-9001"))["engagement"]
    await mutate(runtime, FIELDWORK, e=engagement["id"])
    await mutate(runtime, FINDING, e=engagement["id"], i=finding_input())
    for reader in (BUREAU, UNIT, SUPERVISORY):
        audit = (await project(runtime, "p-9001", reader))["audit"]
        assert audit["inPlan"] is True and audit["reason"] == "THRESHOLD" and audit["drawId"] is None
        assert audit["engagementStatus"] == "FINDINGS" and audit["findings"][0]["amount"] == 1_200_000_00
    assert (await project(runtime, "p-9001", UNIT))["audit"]["findings"][0]["evidence"] is None
    assert (await project(runtime, "p-9001", SUPERVISORY))["audit"]["findings"][0]["evidence"] is not None
    for outsider in (OTHER_UNIT, ANONYMOUS):
        assert await project(runtime, "p-9001", outsider) == {"auditRegister": None, "audit": None}
    sampled = (await project(runtime, "p-0001"))["audit"]
    assert sampled["drawId"] == sampled["planId"] and sampled["reason"] in ("SAMPLED", "NOT_SELECTED")


async def test_R_SEC_2_classified_projects_audit_fields_are_for_need_to_know_only(runtime):
    await accept_projects(runtime, {"p-0001": MILLION_YUAN})
    await accept_projects(runtime, {"p-5001": 2 * MILLION_YUAN}, classified=True)
    await committed_and_drawn(runtime)
    assert (await project(runtime, "p-5001", SUPERVISORY))["audit"] is None
    assert (await project(runtime, "p-5001", CLEARED_SUPERVISORY))["audit"]["reason"] == "CLASSIFIED"
    assert (await project(runtime, "p-5001", UNIT))["audit"]["reason"] == "CLASSIFIED"  # its own unit
