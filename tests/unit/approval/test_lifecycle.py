"""The approval state machine: the table, drafting, and the Approval Bureau's decisions (R-GEN-1, R-APP-2)."""
import pytest

from services.approval.domain import model
from services.approval.domain.lifecycle import TRANSITIONS, Action, ProjectStatus
from shared.auth import Department, Identity
from shared.errors import DomainError, PermissionDenied
from tests.unit.approval.builders import (
    BUREAU, NOW, OTHER_UNIT, PARENT_UNIT, UNIT, act, draft, project_at, shares,
)


def new_project(actor=UNIT, **changes) -> model.Project:
    project, entry = model.create(draft(**changes), project_id="p-1", code="CITY-2026-0001", actor=actor, now=NOW)
    assert entry.action == "CREATE" and entry.to_status is ProjectStatus.DRAFT
    return project


def codes(error: DomainError) -> set:
    return {(v.code, v.field) for v in error.violations}


def test_R_GEN_1_a_project_has_one_of_the_kinds_of_article_2():
    assert len(model.ProjectKind) == 13  # network, application, resource x new/expansion/renovation; + 4
    with pytest.raises(ValueError):
        draft(kind="SMART_TOILET")


def test_a_unit_drafts_a_project_with_its_unit_path():
    project = new_project()
    assert project.status is ProjectStatus.DRAFT
    assert project.unit_path == ("health-commission", "city-government")


def test_R_APP_1_fund_sources_must_add_up_to_the_estimate():
    with pytest.raises(DomainError) as refused:
        new_project(fund_sources=shares((model.FundSource.FISCAL, 1_000_00),))
    assert codes(refused.value) == {("R-APP-1", ("input", "fundSources"))}


def test_R_APP_1_lists_every_problem_of_a_draft_at_once():
    with pytest.raises(DomainError) as refused:
        new_project(name="  ", investment_estimate=0, fund_sources=(), jurisdiction="ATLANTIS")
    assert codes(refused.value) == {
        ("R-APP-1", ("input", "name")), ("R-APP-1", ("input", "investmentEstimate")),
        ("R-APP-1", ("input", "fundSources")), ("INVALID", ("input", "jurisdiction")),
    }


def test_R_APP_1_a_fund_source_listed_twice_or_with_no_amount_is_refused():
    with pytest.raises(DomainError) as refused:
        new_project(investment_estimate=100,
                    fund_sources=shares((model.FundSource.FISCAL, 100), (model.FundSource.FISCAL, 0)))
    assert ("INVALID", ("input", "fundSources", "1", "source")) in codes(refused.value)
    assert ("R-APP-1", ("input", "fundSources", "1", "amount")) in codes(refused.value)


@pytest.mark.parametrize("department", [d for d in Department if d not in TRANSITIONS[Action.SUBMIT].departments])
def test_only_a_construction_unit_or_the_big_data_center_drafts_a_project(department):
    with pytest.raises(PermissionDenied):
        new_project(actor=Identity(department, unit="someone"))


def test_a_parent_unit_manages_its_subordinate_units_project_but_another_unit_may_not():
    project = project_at(ProjectStatus.DRAFT)
    assert act(project, Action.SUBMIT, actor=PARENT_UNIT).status is ProjectStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        act(project, Action.SUBMIT, actor=OTHER_UNIT)


@pytest.mark.parametrize("department", [d for d in Department if d is not Department.APPROVAL_BUREAU])
@pytest.mark.parametrize("action", [Action.APPROVE, Action.REJECT])
def test_R_APP_2_only_the_approval_bureau_approves_or_rejects(department, action):
    with pytest.raises(PermissionDenied) as refused:
        act(project_at(ProjectStatus.SUBMITTED), action, ("no",), actor=Identity(department, unit="health-commission"))
    assert "APPROVAL_BUREAU" in str(refused.value)


def test_R_APP_2_a_rejection_carries_its_reasons_and_the_unit_may_revise_and_resubmit():
    submitted = project_at(ProjectStatus.SUBMITTED)
    with pytest.raises(DomainError) as refused:
        act(submitted, Action.REJECT, (" ",))
    assert codes(refused.value) == {("R-APP-2", ("reasons",))}
    rejected, entry = model.decide(submitted, Action.REJECT, ("no sharing plan",), actor=BUREAU, now=NOW)
    assert rejected.status is ProjectStatus.REJECTED and entry.reasons == ("no sharing plan",)
    revised = act(rejected, Action.REVISE)
    assert revised.status is ProjectStatus.DRAFT
    assert act(revised, Action.SUBMIT).status is ProjectStatus.SUBMITTED


def test_R_APP_2_a_draft_cannot_be_approved_before_it_is_submitted():
    with pytest.raises(DomainError) as refused:
        act(project_at(ProjectStatus.DRAFT), Action.APPROVE)
    assert codes(refused.value) == {("R-APP-2", ("id",))}
    assert "DRAFT" in refused.value.violations[0].message


def test_every_action_names_its_rule_departments_and_source_states():
    for transition in TRANSITIONS.values():
        assert transition.rule.startswith("R-") and transition.departments and transition.sources


def test_each_decision_writes_one_history_line_naming_who_what_and_why():
    submitted = project_at(ProjectStatus.SUBMITTED)
    rejected, entry = model.decide(submitted, Action.REJECT, ("incomplete",), actor=BUREAU, now=NOW)
    assert (entry.action, entry.from_status, entry.to_status) == ("REJECT", ProjectStatus.SUBMITTED,
                                                                   ProjectStatus.REJECTED)
    assert (entry.department, entry.unit, entry.reasons) == ("APPROVAL_BUREAU", "approval-bureau", ("incomplete",))
    assert rejected.version == submitted.version + 1
