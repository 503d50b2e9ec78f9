"""What a submission must carry (R-APP-1, R-APP-3) and the principles it is checked against (R-GEN-2, R-GEN-3)."""
import pytest

from services.approval.domain import dossier as d
from services.approval.domain import model
from services.approval.domain.lifecycle import Action, ProjectStatus
from shared.errors import DomainError
from tests.unit.approval.builders import ESTIMATE, NOW, UNIT, act, complete_dossier, draft


def drafted(**dossier_changes) -> model.Project:
    project, _ = model.create(draft(), project_id="p-1", code="CITY-2026-0001", actor=UNIT, now=NOW)
    parts = complete_dossier()
    parts.update(dossier_changes)
    return act(project, Action.UPDATE_DOSSIER, {k: v for k, v in parts.items() if v is not None})


def refused(project) -> set:
    with pytest.raises(DomainError) as error:
        act(project, Action.SUBMIT)
    return {(v.code, v.field) for v in error.value.violations}


def test_a_complete_dossier_is_submitted():
    assert act(drafted(), Action.SUBMIT).status is ProjectStatus.SUBMITTED


def test_R_APP_1_a_bare_draft_is_refused_with_the_full_list_of_what_is_missing():
    project, _ = model.create(draft(), project_id="p-1", code="CITY-2026-0001", actor=UNIT, now=NOW)
    assert refused(project) == {("R-APP-1", ("feasibilityStudy",)), ("R-APP-1", ("preliminaryDesign",)),
                                ("R-APP-1", ("dataSharing",)), ("R-APP-1", ("deliverables",))}


def test_R_APP_1_each_part_of_the_preliminary_design_is_required():
    design = d.PreliminaryDesign(construction_content="c", implementation_approach=" ", sharing_plan="",
                                 functional_requirements="f", equipment_selection="e")
    assert refused(drafted(preliminary_design=design)) == {
        ("R-APP-1", ("preliminaryDesign", "implementationApproach")),
        ("R-APP-1", ("preliminaryDesign", "sharingPlan"))}


def test_R_APP_1_the_sharing_analysis_chapter_and_the_catalog_are_required():
    sharing = d.DataSharing(analysis_chapter="", catalog=(), joins_sharing_platform=True, feedback_channel="x")
    assert refused(drafted(data_sharing=sharing)) == {("R-APP-1", ("dataSharing", "analysisChapter")),
                                                      ("R-APP-1", ("dataSharing", "catalog"))}


def test_R_APP_1_the_dossier_can_only_change_while_the_project_is_a_draft():
    submitted = act(drafted(), Action.SUBMIT)
    with pytest.raises(DomainError) as error:
        act(submitted, Action.UPDATE_DOSSIER, {"cross_year": True})
    assert error.value.violations[0].code == "R-APP-1"


def sharing(*resources, platform=True, feedback="tickets") -> d.DataSharing:
    return d.DataSharing(analysis_chapter="ch", catalog=resources, joins_sharing_platform=platform,
                         feedback_channel=feedback)


def test_R_GEN_3_not_shared_needs_a_legal_basis_and_conditional_its_conditions():
    problems = refused(drafted(data_sharing=sharing(
        d.DataResource(name="a", sharing_class=d.SharingClass.NOT_SHARED),
        d.DataResource(name="b", sharing_class=d.SharingClass.CONDITIONAL),
        d.DataResource(name="c", sharing_class=d.SharingClass.NOT_SHARED, legal_basis="保守国家秘密法 Art 9"))))
    assert problems == {("R-GEN-3", ("dataSharing", "catalog", "0", "legalBasis")),
                        ("R-GEN-3", ("dataSharing", "catalog", "1", "sharingConditions"))}


def test_R_GEN_3_data_for_general_sharing_is_not_opened_to_specific_enterprises_only():
    problems = refused(drafted(data_sharing=sharing(
        d.DataResource(name="bus timetable", sharing_class=d.SharingClass.UNCONDITIONAL,
                       open_to_specific_enterprises_only=True))))
    assert problems == {("R-GEN-3", ("dataSharing", "catalog", "0", "openToSpecificEnterprisesOnly"))}


def test_R_GEN_3_the_project_joins_the_sharing_platform_and_keeps_a_feedback_channel():
    problems = refused(drafted(data_sharing=sharing(
        d.DataResource(name="x", sharing_class=d.SharingClass.UNCONDITIONAL), platform=False, feedback=" ")))
    assert problems == {("R-GEN-3", ("dataSharing", "joinsSharingPlatform")),
                        ("R-GEN-3", ("dataSharing", "feedbackChannel"))}


def test_R_GEN_2_an_own_machine_room_is_refused_unless_the_bureau_records_an_exemption():
    project = drafted(infrastructure_requests=(
        d.InfrastructureRequest(kind=d.InfrastructureKind.MACHINE_ROOM, justification="shielded room"),))
    assert refused(project) == {("R-GEN-2", ("infrastructureRequests", "0"))}
    with pytest.raises(DomainError):  # an exemption needs its reason
        act(project, Action.RECORD_INFRASTRUCTURE_EXEMPTION,
            model.Exemption(kind=d.InfrastructureKind.MACHINE_ROOM, reason=" "))
    exempted = act(project, Action.RECORD_INFRASTRUCTURE_EXEMPTION,
                   model.Exemption(kind=d.InfrastructureKind.MACHINE_ROOM, reason="classified system: 分级保护"))
    assert act(exempted, Action.SUBMIT).status is ProjectStatus.SUBMITTED
    other_kind = act(exempted, Action.UPDATE_DOSSIER, {"infrastructure_requests": (
        d.InfrastructureRequest(kind=d.InfrastructureKind.COMPUTE, justification="gpu"),)})
    assert refused(other_kind) == {("R-GEN-2", ("infrastructureRequests", "0"))}


def plan(*amounts, start=2026):
    return tuple(d.YearlyExpenditure(year=start + i, amount=a) for i, a in enumerate(amounts))


def test_R_APP_3_a_cross_year_project_states_its_yearly_plan_adding_up_to_the_estimate():
    assert refused(drafted(cross_year=True)) == {("R-APP-3", ("yearlyPlan",))}
    assert refused(drafted(cross_year=True, yearly_plan=plan(ESTIMATE // 2, ESTIMATE // 2 - 1))) == {
        ("R-APP-3", ("yearlyPlan",))}
    good = drafted(cross_year=True, yearly_plan=plan(ESTIMATE // 2, 0, ESTIMATE // 2))
    assert act(good, Action.SUBMIT).status is ProjectStatus.SUBMITTED  # a year with nothing planned is allowed


def test_R_APP_3_each_year_once():
    twice = (d.YearlyExpenditure(year=2026, amount=ESTIMATE // 2), d.YearlyExpenditure(year=2026, amount=ESTIMATE // 2),
             d.YearlyExpenditure(year=2027, amount=0))
    assert ("R-APP-3", ("yearlyPlan",)) in refused(drafted(cross_year=True, yearly_plan=twice))
