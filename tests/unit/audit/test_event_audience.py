"""R-SEC-2: every audit event about a project carries its audience (unit path and jurisdiction from the register,
classified if the register holds it so now or the plan or the engagement froze it so: the subgraph hides it on
either count); an audit plan's event and an event about a project the register does not hold carry none."""
from __future__ import annotations

from shared.events import Audience, AuditFindingPublished
from tests.unit.audience_support import emitted_about, outbox_envelopes
from tests.unit.audit.support import FIELDWORK, FINDING, MILLION_YUAN, OPEN, accept_projects, classification, \
    committed_and_drawn, finding_input, mutate

SMALL = {"p-0001": MILLION_YUAN, "p-0002": MILLION_YUAN}
UNIT_PATH = ["health-commission", "city-government"]


async def engaged(runtime, project_id: str) -> str:
    """The project's engagement, with fieldwork started: the next step is a finding."""
    engagement = (await mutate(runtime, OPEN, p=project_id))["engagement"]
    assert (await mutate(runtime, FIELDWORK, e=engagement["id"]))["engagement"]["status"] == "FIELDWORK"
    return engagement["id"]


async def finding_event(runtime, engagement_id: str):
    assert (await mutate(runtime, FINDING, e=engagement_id, i=finding_input()))["userErrors"] == []
    return (await outbox_envelopes(runtime, AuditFindingPublished.event_type))[-1]


async def test_R_SEC_2_a_findings_event_names_its_projects_unit_path_and_jurisdiction(runtime):
    await accept_projects(runtime, {**SMALL, "p-9001": 30 * MILLION_YUAN}, jurisdiction="TAOJIANG")
    await committed_and_drawn(runtime, jurisdiction="TAOJIANG")
    event = await finding_event(runtime, await engaged(runtime, "p-9001"))
    assert event.audience == Audience(project_id="p-9001", unit_path=UNIT_PATH, jurisdiction="TAOJIANG",
                                      classified=False)


async def test_R_SEC_2_a_classified_projects_finding_event_says_classified(runtime):
    await accept_projects(runtime, SMALL)
    await accept_projects(runtime, {"p-5001": 2 * MILLION_YUAN}, classified=True)
    await committed_and_drawn(runtime)
    event = await finding_event(runtime, await engaged(runtime, "p-5001"))
    assert event.audience == Audience(project_id="p-5001", unit_path=UNIT_PATH, jurisdiction="CITY",
                                      classified=True)


async def test_R_SEC_2_a_classification_after_the_engagement_opened_makes_the_next_event_classified(runtime):
    await accept_projects(runtime, {**SMALL, "p-9001": 30 * MILLION_YUAN})
    await committed_and_drawn(runtime)
    engagement_id = await engaged(runtime, "p-9001")
    await runtime.consumer(classification("p-9001", True))
    assert (await finding_event(runtime, engagement_id)).audience.classified is True


async def test_R_SEC_2_a_later_declassification_does_not_open_what_the_engagement_holds_classified(runtime):
    """The engagement froze the project classified and the subgraph keeps hiding it: so does the event."""
    await accept_projects(runtime, SMALL)
    await accept_projects(runtime, {"p-5001": 2 * MILLION_YUAN}, classified=True)
    await committed_and_drawn(runtime)
    engagement_id = await engaged(runtime, "p-5001")
    await runtime.consumer(classification("p-5001", False))
    assert (await finding_event(runtime, engagement_id)).audience.classified is True


async def test_R_SEC_2_an_audit_plans_events_have_no_audience(runtime):
    await accept_projects(runtime, SMALL)
    plan = await committed_and_drawn(runtime)
    plan_events = [e for e in await outbox_envelopes(runtime) if e.type.startswith("audit.draw.")]
    assert [(e.subject, e.audience) for e in plan_events] == [(plan["id"], None), (plan["id"], None)]


async def test_R_SEC_2_an_event_about_a_project_audit_does_not_know_has_no_audience(runtime):
    assert (await emitted_about(runtime, "no-such-project")).audience is None
