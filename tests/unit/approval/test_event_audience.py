"""R-SEC-2: every approval event about a project carries its audience (unit path, jurisdiction, classification as
the approval service holds them when the event commits); a construction plan's event and an event about a project
the service does not know carry none, so they reach the workflow bureaus only."""
from __future__ import annotations

from datetime import datetime, timezone

from shared.events import Audience, ClassificationConfirmed, ProjectApproved, ProjectSubmitted
from tests.unit.approval.builders import LEADING_GROUP, BUREAU, UNIT
from tests.unit.approval.plan_support import plan_mutation
from tests.unit.approval.test_service import approved_and_reviewed, drafted, envelope, run
from tests.unit.audience_support import emitted_about, outbox_envelopes

UNIT_PATH = ["health-commission", "city-government"]  # the unit, then its parent: as the project records it


async def events_of(approval, project_id: str, event_type: str):
    return [e for e in await outbox_envelopes(approval.runtime, event_type) if e.subject == project_id]


async def test_R_SEC_2_an_ordinary_projects_events_name_its_unit_path_and_jurisdiction(approval):
    project_id = await drafted(approval, jurisdiction="ZIYANG")
    assert (await run(approval, UNIT, "submitProject", id=project_id))["userErrors"] == []
    assert (await run(approval, BUREAU, "approveProject", id=project_id))["userErrors"] == []
    expected = Audience(project_id=project_id, unit_path=UNIT_PATH, jurisdiction="ZIYANG", classified=False)
    for event_type in (ProjectSubmitted.event_type, ProjectApproved.event_type):
        (event,) = await events_of(approval, project_id, event_type)
        assert event.audience == expected, event_type


async def test_R_SEC_2_a_project_declared_classified_has_classified_events(approval):
    project_id = await drafted(approval, declaredClassified=True)
    await run(approval, UNIT, "submitProject", id=project_id)
    (event,) = await events_of(approval, project_id, ProjectSubmitted.event_type)
    assert event.audience == Audience(project_id=project_id, unit_path=UNIT_PATH, jurisdiction="CITY",
                                      classified=True)


async def test_R_SEC_2_the_secrecy_bureaus_confirmation_decides_the_audience_of_later_events(approval):
    """Declared ordinary, confirmed classified by the Secrecy Bureau: approval's next event is classified."""
    project_id = await drafted(approval)
    await run(approval, UNIT, "submitProject", id=project_id)
    (submitted,) = await events_of(approval, project_id, ProjectSubmitted.event_type)
    assert submitted.audience.classified is False
    await approval.runtime.consumer(envelope(ClassificationConfirmed(
        project_id=project_id, classified=True, level="SECRET", decided_at=datetime.now(timezone.utc)), "secrecy"))
    assert (await run(approval, BUREAU, "approveProject", id=project_id))["userErrors"] == []
    (approved,) = await events_of(approval, project_id, ProjectApproved.event_type)
    assert approved.audience.classified is True and approved.payload().classified is True


async def test_R_SEC_2_a_construction_plans_events_have_no_audience(approval):
    project_id = await approved_and_reviewed(approval)
    for actor, mutation, arguments in ((BUREAU, "draftConstructionPlan", {}),
                                       (BUREAU, "addConstructionPlanItem", {"projectId": project_id,
                                                                            "plannedAmount": 5_000_000_00}),
                                       (BUREAU, "submitConstructionPlanForReview", {}),
                                       (LEADING_GROUP, "passConstructionPlanReview", {})):
        assert (await plan_mutation(approval, actor, mutation, **arguments))["userErrors"] == []
    plan_events = [e for e in await outbox_envelopes(approval.runtime)
                   if e.type.startswith("approval.construction_plan.")]
    assert [e.subject.startswith("construction-plan:") for e in plan_events] == [True, True]
    assert [e.audience for e in plan_events] == [None, None]
    # The project's own events of the same transactions' neighbours keep theirs.
    assert all(e.audience is not None for e in await outbox_envelopes(approval.runtime)
               if e.subject == project_id)


async def test_R_SEC_2_an_event_about_a_project_approval_does_not_know_has_no_audience(approval):
    assert (await emitted_about(approval.runtime, "no-such-project")).audience is None
