"""R-PLN-1, the annual smart-city construction plan, as pure decisions: each step by its department only, each step
out of order refused, amendments as new versions that leave the earlier ones as decided, and construction only for
an item of the approved plan in force."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.approval.domain import construction_plan as plan
from services.approval.domain import model
from services.approval.domain.lifecycle import Action, ProjectStatus
from services.approval.domain.plan_lifecycle import TRANSITIONS, PlanAction, PlanStatus
from shared.auth import Department, Identity
from shared.errors import DomainError, PermissionDenied
from tests.unit.approval.builders import (
    BUREAU, CITY_GOVERNMENT, LEADING_GROUP, NOW, act, approved_plan, plan_step, planned, project_at, with_plan,
)

P1 = plan.PlannedProject(id="p-1", jurisdiction="CITY", status="APPROVED", investment=5_000_000_00)
P2 = plan.PlannedProject(id="p-2", jurisdiction="CITY", status="UNDER_CONSTRUCTION", investment=3_000_000_00)
ACTORS = {Department.APPROVAL_BUREAU: BUREAU, Department.LEADING_GROUP: LEADING_GROUP,
          Department.CITY_GOVERNMENT: CITY_GOVERNMENT}
APPROVAL = plan.Approval(approved_on=NOW.date(), document_number="益政函〔2026〕12号")
# A valid payload for each action, so that only the order (or the department) is at fault.
PAYLOADS = {
    PlanAction.DRAFT: plan.Draft(jurisdiction="CITY", year=2026, version_id="v-new"),
    PlanAction.DRAFT_AMENDMENT: plan.Amendment(reason="a new project", version_id="v-new"),
    PlanAction.ADD_ITEM: plan.NewItem(project=P2, planned_amount=1_000_000_00),
    PlanAction.REMOVE_ITEM: "p-1",
    PlanAction.PASS_REVIEW: "sound",
    PlanAction.RETURN_FROM_REVIEW: ("rework the amounts",),
    PlanAction.APPROVE: APPROVAL,
    PlanAction.RETURN_FROM_APPROVAL: ("rework the amounts",),
}


def step(versions, action, payload=None, actor=None):
    actor = actor or ACTORS[next(iter(TRANSITIONS[action].departments))]
    return plan_step(versions, action, payload if payload is not None else PAYLOADS.get(action), actor)


def plan_at(status: PlanStatus | None) -> list[plan.PlanVersion]:
    """A plan whose latest version is at `status` (None: no plan yet), holding project p-1."""
    if status is None:
        return []
    if status is PlanStatus.APPROVED:
        return approved_plan(planned(P1))
    versions = step(step([], PlanAction.DRAFT), PlanAction.ADD_ITEM, planned(P1))
    for action, reached in ((PlanAction.SUBMIT_FOR_REVIEW, PlanStatus.SUBMITTED),
                            (PlanAction.PASS_REVIEW, PlanStatus.REVIEWED)):
        if versions[-1].status is status:
            break
        versions = step(versions, action)
    assert versions[-1].status is status
    return versions


def refusal(versions, action, payload=None, actor=None) -> set:
    with pytest.raises(DomainError) as error:
        step(versions, action, payload, actor)
    return {(v.code, v.field) for v in error.value.violations}


def test_R_PLN_1_the_plans_lifecycle_is_one_table_with_a_department_and_rule_per_step():
    assert set(TRANSITIONS) == set(PlanAction)
    assert all(t.rule == "R-PLN-1" and len(t.departments) == 1 for t in TRANSITIONS.values())
    assert TRANSITIONS[PlanAction.PASS_REVIEW].departments == {Department.LEADING_GROUP}
    assert TRANSITIONS[PlanAction.APPROVE].departments == {Department.CITY_GOVERNMENT}


WRONG_DEPARTMENTS = [(action, department) for action in PlanAction for department in Department
                     if department not in TRANSITIONS[action].departments]


@pytest.mark.parametrize("action,department", WRONG_DEPARTMENTS,
                         ids=[f"{a.value}-by-{d.value}" for a, d in WRONG_DEPARTMENTS])
def test_R_PLN_1_each_step_refuses_every_other_department(action, department):
    source = next(iter(TRANSITIONS[action].sources))
    with pytest.raises(PermissionDenied):
        step(plan_at(source), action, actor=Identity(department, unit="some-unit"))


OUT_OF_ORDER = [(action, status) for action in PlanAction for status in [None, *PlanStatus]
                if status not in TRANSITIONS[action].sources]


@pytest.mark.parametrize("action,status", OUT_OF_ORDER,
                         ids=[f"{a.value}-when-{s.value if s else 'NO_PLAN'}" for a, s in OUT_OF_ORDER])
def test_R_PLN_1_each_step_out_of_order_is_refused(action, status):
    versions = plan_at(status)
    codes = refusal(versions, action)
    assert {code for code, _ in codes} == {"R-PLN-1"}
    assert versions == plan_at(status)  # nothing changed


def test_R_PLN_1_the_named_refusals_approving_an_unreviewed_draft_reviewing_twice_editing_after_submission():
    assert refusal(plan_at(PlanStatus.DRAFT), PlanAction.APPROVE) == {("R-PLN-1", ("year",))}
    assert refusal(plan_at(PlanStatus.SUBMITTED), PlanAction.APPROVE) == {("R-PLN-1", ("year",))}
    assert refusal(plan_at(PlanStatus.REVIEWED), PlanAction.PASS_REVIEW) == {("R-PLN-1", ("year",))}
    for status in (PlanStatus.SUBMITTED, PlanStatus.REVIEWED, PlanStatus.APPROVED):
        assert refusal(plan_at(status), PlanAction.ADD_ITEM) == {("R-PLN-1", ("year",))}
        assert refusal(plan_at(status), PlanAction.REMOVE_ITEM) == {("R-PLN-1", ("year",))}
    assert refusal(plan_at(PlanStatus.DRAFT), PlanAction.DRAFT) == {("R-PLN-1", ("year",))}  # one plan a year


def test_R_PLN_1_only_an_approved_project_of_the_jurisdiction_once_with_a_sensible_amount():
    draft = plan_at(PlanStatus.DRAFT)
    for status in ("DRAFT", "SUBMITTED", "REJECTED", "ACCEPTED", "IN_OPERATION", "CLOSED"):
        unapproved = P2.model_copy(update={"status": status})
        assert refusal(draft, PlanAction.ADD_ITEM, planned(unapproved)) == {("R-PLN-1", ("projectId",))}, status
    heshan = P2.model_copy(update={"jurisdiction": "HESHAN"})
    assert refusal(draft, PlanAction.ADD_ITEM, planned(heshan)) == {("R-PLN-1", ("projectId",))}
    assert refusal(draft, PlanAction.ADD_ITEM, planned(P1)) == {("R-PLN-1", ("projectId",))}  # already an item
    for amount in (0, -1, P2.investment + 1):
        assert refusal(draft, PlanAction.ADD_ITEM, plan.NewItem(project=P2, planned_amount=amount)) == {
            ("R-PLN-1", ("plannedAmount",))}, amount
    assert refusal(draft, PlanAction.ADD_ITEM, plan.NewItem(project=None, planned_amount=1)) == {
        ("NOT_FOUND", ("projectId",))}
    assert refusal(draft, PlanAction.REMOVE_ITEM, "p-2") == {("R-PLN-1", ("projectId",))}
    added = step(draft, PlanAction.ADD_ITEM, plan.NewItem(project=P2, planned_amount=P2.investment, note=" phase 2 "))
    assert added[-1].item("p-2") == plan.PlanItem(project_id="p-2", planned_amount=P2.investment, note="phase 2")
    assert added[-1].total == P1.investment + P2.investment


def test_R_PLN_1_a_version_holds_a_bounded_number_of_projects():
    draft = plan_at(PlanStatus.DRAFT)
    full = draft[:-1] + [draft[-1].model_copy(update={"items": tuple(
        plan.PlanItem(project_id=f"p-{n}", planned_amount=1) for n in range(plan.MAX_ITEMS))})]
    assert refusal(full, PlanAction.ADD_ITEM, planned(P2.model_copy(update={"id": "p-new"}))) == {
        ("R-PLN-1", ("projectId",))}
    assert len(step(full, PlanAction.REMOVE_ITEM, "p-7")[-1].items) == plan.MAX_ITEMS - 1


def test_R_PLN_1_a_plan_is_for_a_known_jurisdiction_this_year_or_the_next():
    assert refusal([], PlanAction.DRAFT, plan.Draft(jurisdiction="ATLANTIS", year=2026, version_id="v")) == {
        ("INVALID", ("jurisdiction",))}
    for year in (2025, 2028):
        assert refusal([], PlanAction.DRAFT, plan.Draft(jurisdiction="CITY", year=year, version_id="v")) == {
            ("R-PLN-1", ("year",))}, year
    assert step([], PlanAction.DRAFT, plan.Draft(jurisdiction="NANXIAN", year=2027, version_id="v"))[-1].number == 1


def test_R_PLN_1_an_empty_plan_or_an_amendment_that_changes_nothing_is_not_submitted():
    empty = step([], PlanAction.DRAFT)
    assert refusal(empty, PlanAction.SUBMIT_FOR_REVIEW) == {("R-PLN-1", ("jurisdiction",))}
    unchanged = step(plan_at(PlanStatus.APPROVED), PlanAction.DRAFT_AMENDMENT)
    assert refusal(unchanged, PlanAction.SUBMIT_FOR_REVIEW) == {("R-PLN-1", ("jurisdiction",))}
    assert refusal(plan_at(PlanStatus.APPROVED), PlanAction.DRAFT_AMENDMENT,
                   plan.Amendment(reason="  ", version_id="v")) == {("R-PLN-1", ("reason",))}


def test_R_PLN_1_a_return_carries_reasons_and_sends_the_plan_back_to_be_reviewed_again():
    for status, action, actor in ((PlanStatus.SUBMITTED, PlanAction.RETURN_FROM_REVIEW, LEADING_GROUP),
                                  (PlanStatus.REVIEWED, PlanAction.RETURN_FROM_APPROVAL, CITY_GOVERNMENT)):
        assert refusal(plan_at(status), action, ("", " ")) == {("R-PLN-1", ("reasons",))}
        returned = step(plan_at(status), action, (" amounts too high ",))
        assert returned[-1].status is PlanStatus.DRAFT and returned[-1].reviewed_at is None
        assert returned[-1].returns == (plan.PlanReturn(department=actor.department.value, at=NOW,
                                                        reasons=("amounts too high",)),)
        resubmitted = step(step(returned, PlanAction.REMOVE_ITEM), PlanAction.ADD_ITEM, planned(P2))
        resubmitted = step(resubmitted, PlanAction.SUBMIT_FOR_REVIEW)
        assert refusal(resubmitted, PlanAction.APPROVE) == {("R-PLN-1", ("year",))}  # the Leading Group again first


def test_R_PLN_1_approval_records_the_decisions_date_and_document_number():
    reviewed = plan_at(PlanStatus.REVIEWED)
    assert refusal(reviewed, PlanAction.APPROVE, plan.Approval(approved_on=NOW.date(), document_number=" ")) == {
        ("R-PLN-1", ("documentNumber",))}
    for day in (NOW.date() + timedelta(days=1), NOW.date() - timedelta(days=1)):  # tomorrow; before the review
        assert refusal(reviewed, PlanAction.APPROVE, plan.Approval(approved_on=day, document_number="12")) == {
            ("R-PLN-1", ("approvedOn",))}, day
    approved = step(reviewed, PlanAction.APPROVE)[-1]
    assert (approved.status, approved.approved_on, approved.document_number, approved.approved_at) == (
        PlanStatus.APPROVED, NOW.date(), "益政函〔2026〕12号", NOW)


def test_R_PLN_1_an_amendment_is_a_new_version_and_leaves_version_1_as_it_was_decided():
    first = plan_at(PlanStatus.APPROVED)
    amending = step(first, PlanAction.DRAFT_AMENDMENT)
    assert [v.number for v in amending] == [1, 2] and amending[0] == first[0]
    assert amending[1].items == first[0].items and amending[1].amendment_reason == "a new project"
    assert plan.in_force(amending) == first[0]  # the amendment is not carried out before it is approved
    amended = approved_plan(planned(P2), versions=first)
    assert amended[0] == first[0]
    assert [(v.number, v.status, [i.project_id for i in v.items]) for v in amended] == [
        (1, PlanStatus.APPROVED, ["p-1"]), (2, PlanStatus.APPROVED, ["p-1", "p-2"])]
    assert plan.in_force(amended) == amended[1]


def test_R_PLN_1_each_decision_is_a_history_line_with_who_when_what_why():
    version, entry = plan.decide(plan_at(PlanStatus.SUBMITTED), PlanAction.RETURN_FROM_REVIEW, ("too costly",),
                                 department=Department.LEADING_GROUP, unit="leading-group", subject="secretary",
                                 now=NOW)
    assert entry == plan.PlanDecision(at=NOW, action="RETURN_FROM_REVIEW", version=1,
                                      from_status=PlanStatus.SUBMITTED, to_status=PlanStatus.DRAFT,
                                      department="LEADING_GROUP", unit="leading-group", subject="secretary",
                                      reasons=("too costly",), detail="returned to the Approval Bureau")
    _, added = plan.decide(plan_at(PlanStatus.DRAFT), PlanAction.ADD_ITEM, planned(P2), department=Department.
                           APPROVAL_BUREAU, unit=None, subject="clerk", now=NOW)
    assert added.project_id == "p-2" and "p-2" not in added.detail  # the project is named only where it may be seen


def test_R_PLN_1_construction_starts_only_for_an_item_of_the_approved_plan_in_force_of_its_year():
    signed = project_at(ProjectStatus.CONTRACT_SIGNED)
    other = plan.PlannedProject(id="p-9", jurisdiction="CITY", status="APPROVED", investment=1_000_000_00)
    refused = {
        "no plan": model.Context(),
        "a plan not approved yet": model.Context(construction_plan=plan_at(PlanStatus.REVIEWED)[-1],
                                                 construction_year=2026),
        "another year's plan": model.Context(construction_plan=plan.in_force(approved_plan(planned(signed))),
                                             construction_year=2027),
        "another jurisdiction's plan": with_plan(model.Context(), approved_plan(
            planned(signed.model_copy(update={"jurisdiction": "HESHAN"})), jurisdiction="HESHAN")),
        "a plan without the project": with_plan(model.Context(), approved_plan(planned(other))),
    }
    for why, context in refused.items():
        with pytest.raises(DomainError) as error:
            act(signed, Action.START_CONSTRUCTION, context=context)
        assert [(v.code, v.field) for v in error.value.violations] == [("R-PLN-1", ("id",))], why
    started = act(signed, Action.START_CONSTRUCTION, context=with_plan(model.Context(), approved_plan(planned(signed))))
    assert started.status is ProjectStatus.UNDER_CONSTRUCTION


def test_R_PLN_1_an_amendment_that_takes_a_project_out_stops_its_construction_once_approved():
    signed = project_at(ProjectStatus.CONTRACT_SIGNED)
    first = approved_plan(planned(signed), planned(P2))
    amending = step(step(first, PlanAction.DRAFT_AMENDMENT), PlanAction.REMOVE_ITEM, signed.id)
    assert act(signed, Action.START_CONSTRUCTION, context=with_plan(model.Context(), amending)).status is \
        ProjectStatus.UNDER_CONSTRUCTION  # version 1 is still in force
    amended = step(step(step(amending, PlanAction.SUBMIT_FOR_REVIEW), PlanAction.PASS_REVIEW), PlanAction.APPROVE)
    with pytest.raises(DomainError):
        act(signed, Action.START_CONSTRUCTION, context=with_plan(model.Context(), amended))
    assert amended[0].item(signed.id) is not None  # version 1 still says what it said


def test_R_PLN_1_the_approval_date_may_precede_the_plans_year():
    """A plan for next year is approved in December: its decision's date lies in the year before."""
    december = NOW.replace(month=12, day=20)
    versions = plan_step([], PlanAction.DRAFT, plan.Draft(jurisdiction="CITY", year=2027, version_id="v"),
                         now=december)
    versions = plan_step(versions, PlanAction.ADD_ITEM, planned(P1), now=december)
    versions = plan_step(versions, PlanAction.SUBMIT_FOR_REVIEW, now=december)
    versions = plan_step(versions, PlanAction.PASS_REVIEW, None, LEADING_GROUP, now=december)
    versions = plan_step(versions, PlanAction.APPROVE, plan.Approval(approved_on=date(2026, 12, 20),
                                                                     document_number="益政发〔2026〕30号"),
                         CITY_GOVERNMENT, now=december)
    assert versions[-1].status is PlanStatus.APPROVED and versions[-1].year == 2027
