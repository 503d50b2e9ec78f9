"""Testing and acceptance (R-ACC-1..5), changes at acceptance (R-IMP-3), operation (R-OPS-1), audit (R-AUD-3)."""
from datetime import date

import pytest

from services.approval.announcements import BUILDERS, announcement
from services.approval.domain import dossier as d
from services.approval.domain import model
from services.approval.domain.lifecycle import TRANSITIONS, Action, ProjectStatus
from shared.errors import DomainError
from shared.events import ProjectAccepted, ProjectApproved
from tests.unit.approval.builders import (
    BUREAU, MAJOR_ESTIMATE, NOW, UNIT, act, all_documents, project_at, report,
)

OPERATION = d.Operation(om_months=36, operating_organisation="IT office", om_annual_funding=300_000_00,
                        started_on=date(2027, 1, 5))


def problems(project, action, payload=None) -> set:
    with pytest.raises(DomainError) as error:
        act(project, action, payload)
    return {(v.code, v.field) for v in error.value.violations}


def test_R_ACC_1_custom_software_needs_a_third_party_report_before_initial_acceptance():
    building = project_at(ProjectStatus.UNDER_CONSTRUCTION)
    assert problems(building, Action.PASS_INITIAL_ACCEPTANCE, "report") == {("R-ACC-1", ("testReports",))}
    unqualified = report(d.TestReportKind.CUSTOM_SOFTWARE, tester_qualification=None)
    assert problems(building, Action.RECORD_TEST_REPORT, unqualified) == {("R-ACC-1", ("input", "testerQualification"))}
    tested = act(building, Action.RECORD_TEST_REPORT, report(d.TestReportKind.CUSTOM_SOFTWARE))
    assert act(tested, Action.PASS_INITIAL_ACCEPTANCE, "report").status is ProjectStatus.INITIAL_ACCEPTANCE_PASSED


def test_R_ACC_1_bought_hardware_needs_a_test_report_or_a_manual():
    building = project_at(ProjectStatus.UNDER_CONSTRUCTION)
    building = building.model_copy(update={"dossier": building.dossier.model_copy(update={
        "deliverables": d.Deliverables(custom_software=False, hardware_or_mature_software=True)})})
    assert problems(building, Action.PASS_INITIAL_ACCEPTANCE, "report") == {("R-ACC-1", ("testReports",))}
    manual = report(d.TestReportKind.HARDWARE_OR_MATURE_SOFTWARE, tester="vendor", tester_qualification=None,
                    is_manual=True)
    assert act(act(building, Action.RECORD_TEST_REPORT, manual), Action.PASS_INITIAL_ACCEPTANCE, "r").status \
        is ProjectStatus.INITIAL_ACCEPTANCE_PASSED
    assert problems(building, Action.RECORD_TEST_REPORT,
                    report(d.TestReportKind.CUSTOM_SOFTWARE, is_manual=True)) == {("R-ACC-1", ("input", "isManual"))}


def test_R_ACC_3_completion_acceptance_only_after_initial_acceptance():
    building = project_at(ProjectStatus.UNDER_CONSTRUCTION)
    assert problems(building, Action.APPLY_FOR_COMPLETION_ACCEPTANCE, all_documents()) == {("R-ACC-4", ("id",))}
    assert TRANSITIONS[Action.APPLY_FOR_COMPLETION_ACCEPTANCE].sources == {ProjectStatus.INITIAL_ACCEPTANCE_PASSED}


def test_R_ACC_4_missing_documents_are_listed_and_refused():
    passed = project_at(ProjectStatus.INITIAL_ACCEPTANCE_PASSED)
    found = problems(passed, Action.APPLY_FOR_COMPLETION_ACCEPTANCE,
                     all_documents(without=(d.AcceptanceDocument.COMPLETION_REPORT,
                                            d.AcceptanceDocument.SECURITY_ANALYSIS_REPORT)))
    assert found == {("R-ACC-4", ("documents", "COMPLETION_REPORT")),
                     ("R-ACC-4", ("documents", "SECURITY_ANALYSIS_REPORT"))}
    blank = tuple(x.model_copy(update={"reference": " "}) if x.kind is d.AcceptanceDocument.USER_TRAINING_REPORT
                  else x for x in all_documents())
    assert problems(passed, Action.APPLY_FOR_COMPLETION_ACCEPTANCE, blank) == {
        ("R-ACC-4", ("documents", "USER_TRAINING_REPORT"))}


def test_R_ACC_4_a_project_without_supervision_needs_no_supervision_report():
    passed = project_at(ProjectStatus.INITIAL_ACCEPTANCE_PASSED)
    applied = act(passed, Action.APPLY_FOR_COMPLETION_ACCEPTANCE,
                  all_documents(without=(d.AcceptanceDocument.SUPERVISION_REPORT, d.AcceptanceDocument.OTHER)))
    assert applied.status is ProjectStatus.COMPLETION_ACCEPTANCE_REQUESTED


def test_R_ACC_2_a_major_project_needs_source_code_database_and_security_testing():
    major = project_at(ProjectStatus.INITIAL_ACCEPTANCE_PASSED, estimate=MAJOR_ESTIMATE)
    stripped = major.model_copy(update={"test_reports": tuple(
        r for r in major.test_reports if r.kind is not d.TestReportKind.DATABASE_SYSTEM)})
    assert problems(stripped, Action.APPLY_FOR_COMPLETION_ACCEPTANCE, all_documents()) == {
        ("R-ACC-2", ("testReports", "DATABASE_SYSTEM"))}
    assert problems(major, Action.APPLY_FOR_COMPLETION_ACCEPTANCE,
                    all_documents(without=(d.AcceptanceDocument.SUPERVISION_REPORT,))) == {
        ("R-ACC-4", ("documents", "SUPERVISION_REPORT"))}


def test_R_IMP_3_an_unapproved_change_blocks_completion_acceptance():
    building = project_at(ProjectStatus.UNDER_CONSTRUCTION)
    pending = act(building, Action.REQUEST_CHANGE, d.Change(change_id="c1", plan="p", status=d.ChangeStatus.REQUESTED))
    for project in (pending, act(building, Action.RECORD_UNAUTHORIZED_CHANGE,
                                 d.Change(change_id="c2", plan="extra servers", status=d.ChangeStatus.UNAUTHORIZED))):
        project = act(project, Action.RECORD_TEST_REPORT, report(d.TestReportKind.CUSTOM_SOFTWARE))
        project = act(project, Action.PASS_INITIAL_ACCEPTANCE, "r")
        found = problems(project, Action.APPLY_FOR_COMPLETION_ACCEPTANCE, all_documents())
        assert {code for code, _ in found} == {"R-IMP-3"}
    rejected = act(act(pending, Action.REJECT_CHANGE, ("c1", ("not needed",))), Action.RECORD_TEST_REPORT,
                   report(d.TestReportKind.CUSTOM_SOFTWARE))
    applied = act(act(rejected, Action.PASS_INITIAL_ACCEPTANCE, "r"), Action.APPLY_FOR_COMPLETION_ACCEPTANCE,
                  all_documents())
    assert applied.status is ProjectStatus.COMPLETION_ACCEPTANCE_REQUESTED
    # found out after the application: still blocks the acceptance itself
    late = act(applied, Action.RECORD_UNAUTHORIZED_CHANGE,
               d.Change(change_id="c3", plan="p", status=d.ChangeStatus.UNAUTHORIZED))
    assert problems(late, Action.PASS_COMPLETION_ACCEPTANCE) == {("R-IMP-3", ("changes", "c3"))}


def test_R_ACC_4_a_refusal_gives_reasons_and_sends_the_unit_back_to_reapply():
    requested = project_at(ProjectStatus.COMPLETION_ACCEPTANCE_REQUESTED)
    assert problems(requested, Action.REFUSE_COMPLETION_ACCEPTANCE, ()) == {("R-ACC-4", ("reasons",))}
    refused = act(requested, Action.REFUSE_COMPLETION_ACCEPTANCE, ("training report unsigned",))
    assert refused.status is ProjectStatus.INITIAL_ACCEPTANCE_PASSED
    assert refused.refusal_reasons == ("training report unsigned",)


def test_R_ACC_5_only_an_accepted_project_goes_into_operation():
    for status in (ProjectStatus.INITIAL_ACCEPTANCE_PASSED, ProjectStatus.COMPLETION_ACCEPTANCE_REQUESTED):
        assert problems(project_at(status), Action.START_OPERATION, OPERATION) == {("R-ACC-5", ("id",))}
    assert act(project_at(ProjectStatus.ACCEPTED), Action.START_OPERATION, OPERATION).status \
        is ProjectStatus.IN_OPERATION


def test_R_ACC_5_a_classified_project_also_needs_the_secrecy_bureaus_review_before_use():
    accepted = project_at(ProjectStatus.ACCEPTED, classified=True)
    assert problems(accepted, Action.START_OPERATION, OPERATION) == {("R-ACC-5", ("id",))}
    approved = accepted.model_copy(update={"pre_use_approved": True})
    assert act(approved, Action.START_OPERATION, OPERATION).status is ProjectStatus.IN_OPERATION


def test_R_OPS_1_at_least_three_years_of_om_with_an_organisation_and_funding():
    short = OPERATION.model_copy(update={"om_months": 35, "operating_organisation": "", "om_annual_funding": 0})
    assert problems(project_at(ProjectStatus.ACCEPTED), Action.START_OPERATION, short) == {
        ("R-OPS-1", ("input", "omMonths")), ("R-OPS-1", ("input", "operatingOrganisation")),
        ("R-OPS-1", ("input", "omAnnualFunding"))}


def test_every_state_change_announces_exactly_one_event():
    for action, transition in TRANSITIONS.items():
        if transition.target is not None:
            assert action in BUILDERS, f"{action} changes state but announces nothing"


def test_R_AUD_3_an_accepted_project_is_sent_to_the_audit_bureau_with_its_money_facts():
    requested = project_at(ProjectStatus.COMPLETION_ACCEPTANCE_REQUESTED)
    accepted, entry = model.decide(requested, Action.PASS_COMPLETION_ACCEPTANCE, actor=BUREAU, now=NOW)
    event = announcement(Action.PASS_COMPLETION_ACCEPTANCE, accepted, entry, None)
    assert isinstance(event, ProjectAccepted) and event.event_type == "approval.project.accepted.v1"
    assert (event.investment, event.approved_budget, event.contract_sum) == (accepted.investment,
                                                                             accepted.approved_budget,
                                                                             accepted.contract.contract_sum)
    assert event.accepted_at == NOW and event.self_funded is True


def test_R_SEC_2_the_approval_event_of_a_classified_project_carries_no_name():
    submitted = project_at(ProjectStatus.SUBMITTED, classified=True)
    approved, entry = model.decide(submitted, Action.APPROVE, actor=BUREAU, now=NOW)
    event = announcement(Action.APPROVE, approved, entry, None)
    assert isinstance(event, ProjectApproved) and event.name is None and event.classified
    assert UNIT.unit in event.unit_path


def test_R_OPS_1_the_period_is_counted_in_months_and_three_years_exactly_is_enough():
    accepted = project_at(ProjectStatus.ACCEPTED)
    assert act(accepted, Action.START_OPERATION, OPERATION.model_copy(update={"om_months": 36})).status \
        is ProjectStatus.IN_OPERATION
    assert problems(accepted, Action.START_OPERATION, OPERATION.model_copy(update={"om_months": 35})) == {
        ("R-OPS-1", ("input", "omMonths"))}  # 2 years 11 months


def test_R_OPS_1_a_record_written_in_whole_years_reads_as_months():
    legacy = {**OPERATION.model_dump(mode="json"), "om_years": 4}
    del legacy["om_months"]
    assert d.Operation.model_validate(legacy).om_months == 48


def test_R_OPS_1_operation_started_announces_the_period_in_months_and_whole_years():
    accepted = project_at(ProjectStatus.ACCEPTED)
    operation = OPERATION.model_copy(update={"om_months": 41})
    started, entry = model.decide(accepted, Action.START_OPERATION, operation, actor=UNIT, now=NOW)
    event = announcement(Action.START_OPERATION, started, entry, operation)
    assert (event.om_months, event.om_years) == (41, 3)
