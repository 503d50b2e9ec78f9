"""The approval state machine, as pure functions (no database, no GraphQL)."""
from datetime import datetime, timezone

import pytest

from services.approval.domain import model
from services.approval.domain.lifecycle import TRANSITIONS, Action, ProjectStatus
from shared.auth import Department, Identity
from shared.errors import DomainError, PermissionDenied

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="health-commission", parent_units=("city-government",))
OTHER_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau", parent_units=("city-government",))
BUREAU = Identity(Department.APPROVAL_BUREAU, unit="approval-bureau")
FINANCE = Identity(Department.FINANCE_BUREAU, unit="finance-bureau")


def draft(**changes) -> model.ProjectDraft:
    values = dict(name="Health data platform", kind=model.ProjectKind.APPLICATION_SYSTEM_NEW, jurisdiction="CITY",
                  investment_estimate=5_000_000_00,
                  fund_sources=((model.FundSource.FISCAL, 3_000_000_00), (model.FundSource.SELF_RAISED, 2_000_000_00)))
    values.update(changes)
    return model.ProjectDraft(**values)


def new_project(actor=UNIT, **changes) -> model.Project:
    return model.create(draft(**changes), project_id="p-1", code="CITY-2026-0001", actor=actor, now=NOW)


def codes(error: DomainError) -> set[tuple[str, tuple[str, ...] | None]]:
    return {(v.code, v.field) for v in error.violations}


def test_a_unit_drafts_a_project_with_its_unit_path_and_a_history_line():
    project = new_project()
    assert project.status is ProjectStatus.DRAFT
    assert project.unit_id == "health-commission"
    assert project.unit_path == ("health-commission", "city-government")
    assert [e.action for e in project.history] == ["CREATE"]


def test_R_APP_1_fund_sources_must_add_up_to_the_estimate():
    with pytest.raises(DomainError) as refused:
        new_project(fund_sources=((model.FundSource.FISCAL, 1_000_00),))
    assert codes(refused.value) == {("R-APP-1", ("input", "fundSources"))}


def test_R_APP_1_lists_every_problem_at_once():
    with pytest.raises(DomainError) as refused:
        new_project(name="  ", investment_estimate=0, fund_sources=(), jurisdiction="ATLANTIS")
    assert codes(refused.value) == {
        ("R-APP-1", ("input", "name")),
        ("R-APP-1", ("input", "investmentEstimate")),
        ("R-APP-1", ("input", "fundSources")),
        ("INVALID", ("input", "jurisdiction")),
    }


def test_R_APP_1_a_fund_source_listed_twice_or_with_no_amount_is_refused():
    with pytest.raises(DomainError) as refused:
        new_project(investment_estimate=100, fund_sources=((model.FundSource.FISCAL, 100), (model.FundSource.FISCAL, 0)))
    assert ("INVALID", ("input", "fundSources", "1", "source")) in codes(refused.value)
    assert ("R-APP-1", ("input", "fundSources", "1", "amount")) in codes(refused.value)


@pytest.mark.parametrize("department", [d for d in Department if d not in TRANSITIONS[Action.SUBMIT].departments])
def test_only_a_construction_unit_or_the_big_data_center_drafts_a_project(department):
    with pytest.raises(PermissionDenied):
        new_project(actor=Identity(department, unit="someone"))


def test_the_unit_submits_then_the_approval_bureau_approves():
    project = new_project()
    submitted, entry = model.decide(project, Action.SUBMIT, actor=UNIT, now=NOW)
    assert submitted.status is ProjectStatus.SUBMITTED and entry.from_status is ProjectStatus.DRAFT
    approved, entry = model.decide(submitted, Action.APPROVE, actor=BUREAU, now=NOW)
    assert approved.status is ProjectStatus.APPROVED
    assert entry.department == "APPROVAL_BUREAU" and approved.version == project.version + 2
    assert [e.action for e in approved.history] == ["CREATE", "SUBMIT", "APPROVE"]


def test_a_parent_unit_may_submit_its_subordinate_units_project_but_another_unit_may_not():
    parent = Identity(Department.CONSTRUCTION_UNIT, unit="city-government")
    assert model.decide(new_project(), Action.SUBMIT, actor=parent, now=NOW)[0].status is ProjectStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        model.decide(new_project(), Action.SUBMIT, actor=OTHER_UNIT, now=NOW)


@pytest.mark.parametrize("department", [d for d in Department if d is not Department.APPROVAL_BUREAU])
@pytest.mark.parametrize("action", [Action.APPROVE, Action.REJECT])
def test_R_APP_2_only_the_approval_bureau_approves_or_rejects(department, action):
    submitted, _ = model.decide(new_project(), Action.SUBMIT, actor=UNIT, now=NOW)
    with pytest.raises(PermissionDenied) as refused:
        model.decide(submitted, action, actor=Identity(department, unit="health-commission"), now=NOW,
                     reasons=("no",))
    assert "APPROVAL_BUREAU" in str(refused.value)


def test_R_APP_2_a_rejection_carries_its_reasons():
    submitted, _ = model.decide(new_project(), Action.SUBMIT, actor=UNIT, now=NOW)
    with pytest.raises(DomainError) as refused:
        model.decide(submitted, Action.REJECT, actor=BUREAU, now=NOW, reasons=(" ",))
    assert codes(refused.value) == {("R-APP-2", ("reasons",))}
    rejected, entry = model.decide(submitted, Action.REJECT, actor=BUREAU, now=NOW, reasons=("no sharing plan",))
    assert rejected.status is ProjectStatus.REJECTED and entry.reasons == ("no sharing plan",)


def test_R_APP_2_a_draft_cannot_be_approved_before_it_is_submitted():
    with pytest.raises(DomainError) as refused:
        model.decide(new_project(), Action.APPROVE, actor=BUREAU, now=NOW)
    assert codes(refused.value) == {("R-APP-2", ("id",))}
    assert "DRAFT" in refused.value.violations[0].message


def test_every_transition_names_its_rule_and_its_departments():
    for transition in TRANSITIONS.values():
        assert transition.rule.startswith("R-") and transition.departments
