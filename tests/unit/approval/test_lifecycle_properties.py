"""Property-based: random sequences of actions by random departments, with random facts from the other bureaus,
never break the lifecycle's invariants (R-ACC-5, R-IMP-1, R-SEC-1, and one event and one history line per state
change)."""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from services.approval.announcements import announcement
from services.approval.domain import dossier as d
from services.approval.domain import model, publicity
from services.approval.domain.lifecycle import Action, ProjectStatus
from shared.auth import Department, Identity
from shared.errors import DomainError, PermissionDenied
from tests.unit.approval.builders import (
    CONTEXT, NOW, SUPERVISION, TARGETS, UNIT, all_documents, complete_dossier, contract, draft, report,
)

ACTORS = [UNIT, Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau")] + [
    Identity(dept, unit=dept.value.lower()) for dept in Department
    if dept not in (Department.CONSTRUCTION_UNIT, Department.PUBLIC)]
AMOUNTS = st.integers(min_value=0, max_value=40_000_000_00)
YEARS = st.sampled_from([2027, 2028])


def payload_strategies() -> dict:
    """A strategy of plausible, sometimes wrong, payloads for each action that takes one."""
    text = st.sampled_from(["", "  ", "reason"])
    return {
        Action.UPDATE_DOSSIER: st.just(complete_dossier()),
        Action.RECORD_INFRASTRUCTURE_EXEMPTION: st.builds(model.Exemption, kind=st.sampled_from(d.InfrastructureKind),
                                                          reason=text),
        Action.FLAG_MAJOR: text,
        Action.REJECT: st.lists(text, max_size=2).map(tuple),
        Action.RECORD_REVIEW_FINDING: st.builds(model.ReviewFinding, aspect=st.sampled_from(d.ReviewAspect),
                                                finding=text),
        Action.CONCLUDE_TECHNICAL_REVIEW: st.builds(d.ReviewOpinion, opinion=text, approved_estimate=AMOUNTS),
        Action.RECORD_BUDGET_REVIEW: AMOUNTS,
        Action.RECORD_CONTRACT: AMOUNTS.map(contract) | st.builds(lambda s: contract(s, vendor="unknown"), AMOUNTS),
        Action.RECORD_SUPERVISION: st.just(SUPERVISION),
        Action.REQUEST_CHANGE: st.builds(d.Change, change_id=st.sampled_from(["c1", "c2"]), plan=text,
                                         status=st.just(d.ChangeStatus.REQUESTED)),
        Action.APPROVE_CHANGE: st.sampled_from(["c1", "c2"]),
        Action.REJECT_CHANGE: st.tuples(st.sampled_from(["c1", "c2"]), st.lists(text, max_size=1).map(tuple)),
        Action.RECORD_UNAUTHORIZED_CHANGE: st.builds(d.Change, change_id=st.just("c9"), plan=text,
                                                     status=st.just(d.ChangeStatus.UNAUTHORIZED)),
        Action.RECORD_TEST_REPORT: st.sampled_from(list(d.TestReportKind)).map(report),
        Action.PASS_INITIAL_ACCEPTANCE: text,
        Action.APPLY_FOR_COMPLETION_ACCEPTANCE: st.sampled_from([all_documents(), all_documents(
            without=(d.AcceptanceDocument.COMPLETION_REPORT,))]),
        Action.REFUSE_COMPLETION_ACCEPTANCE: st.lists(text, max_size=1).map(tuple),
        Action.START_OPERATION: st.builds(d.Operation, om_months=st.integers(0, 72), operating_organisation=text,
                                          om_annual_funding=AMOUNTS, started_on=st.just(date(2027, 1, 1))),
        Action.CLOSE: text,
        Action.SET_PERFORMANCE_TARGETS: st.sampled_from([TARGETS, ()]),
        Action.RECORD_PROGRESS: st.builds(d.ProgressReport, indicator=st.sampled_from(
            [TARGETS[0].indicator, "page views"]), actual=text, reported_on=st.just(date(2026, 8, 1))),
        Action.FILE_SELF_EVALUATION: st.builds(d.PerformanceCycle, year=YEARS, self_evaluation=text,
                                               claims_targets_met=st.booleans()),
        Action.REVIEW_PERFORMANCE: st.builds(d.PerformanceReview, year=YEARS, targets_met=st.booleans(),
                                             opinion=text),
        Action.REPORT_RECTIFICATION: st.tuples(YEARS, text),
        Action.CONFIRM_RECTIFICATION: YEARS,
        Action.WITHHOLD_PUBLICATION: st.builds(publicity.WithholdPublication, law=text, reason=text),
        Action.RELEASE_PUBLICATION: st.builds(publicity.ReleasePublication, reason=text),
    }


def payloads(action: Action):
    return payload_strategies().get(action, st.none())  # the actions that take no payload


BUREAU_ACTOR = Identity(Department.APPROVAL_BUREAU, unit="approval_bureau")
FINANCE_ACTOR = Identity(Department.FINANCE_BUREAU, unit="finance_bureau")


def _review_or_conclude(p):
    judged = {f.aspect for f in p.review_findings}
    missing = [a for a in d.ReviewAspect if a not in judged]
    if missing:
        return Action.RECORD_REVIEW_FINDING, BUREAU_ACTOR, model.ReviewFinding(aspect=missing[0], finding="ok")
    return Action.CONCLUDE_TECHNICAL_REVIEW, BUREAU_ACTOR, d.ReviewOpinion(opinion="ok",
                                                                            approved_estimate=p.investment_estimate)


def _build_or_accept(p):
    kinds = {r.kind for r in p.test_reports}
    if d.TestReportKind.CUSTOM_SOFTWARE not in kinds:
        return Action.RECORD_TEST_REPORT, UNIT, report(d.TestReportKind.CUSTOM_SOFTWARE)
    for kind in (d.TestReportKind.SOURCE_CODE, d.TestReportKind.DATABASE_SYSTEM,
                 d.TestReportKind.NETWORK_SECURITY_AND_SECRECY):
        if p.is_major() and kind not in kinds:
            return Action.RECORD_TEST_REPORT, UNIT, report(kind)
    return Action.PASS_INITIAL_ACCEPTANCE, UNIT, "initial acceptance report"


NEXT = {
    ProjectStatus.DRAFT: lambda p: (Action.UPDATE_DOSSIER, UNIT, complete_dossier(p.investment_estimate))
    if p.dossier.feasibility_study is None else (Action.SUBMIT, UNIT, None),
    ProjectStatus.SUBMITTED: lambda p: (Action.APPROVE, BUREAU_ACTOR, None),
    ProjectStatus.REJECTED: lambda p: (Action.REVISE, UNIT, None),
    ProjectStatus.APPROVED: _review_or_conclude,
    ProjectStatus.TECHNICAL_REVIEW_PASSED: lambda p: (Action.RECORD_BUDGET_REVIEW, FINANCE_ACTOR, p.investment),
    ProjectStatus.BUDGET_REVIEW_PASSED: lambda p: (Action.RECORD_CONTRACT, UNIT, contract(p.approved_budget)),
    ProjectStatus.CONTRACT_SIGNED: lambda p: (Action.RECORD_SUPERVISION, UNIT, SUPERVISION)
    if p.supervision is None and p.is_major() else (Action.START_CONSTRUCTION, UNIT, None),
    ProjectStatus.UNDER_CONSTRUCTION: _build_or_accept,
    ProjectStatus.INITIAL_ACCEPTANCE_PASSED: lambda p: (Action.APPLY_FOR_COMPLETION_ACCEPTANCE, UNIT, all_documents()),
    ProjectStatus.COMPLETION_ACCEPTANCE_REQUESTED: lambda p: (Action.PASS_COMPLETION_ACCEPTANCE, BUREAU_ACTOR, None),
    ProjectStatus.ACCEPTED: lambda p: (Action.START_OPERATION, UNIT, d.Operation(
        om_months=36, operating_organisation="IT office", om_annual_funding=1, started_on=date(2027, 1, 1))),
    ProjectStatus.IN_OPERATION: lambda p: (Action.CLOSE, BUREAU_ACTOR, "retired"),
}
REACHED: set[ProjectStatus] = set()


class Lifecycle(RuleBasedStateMachine):
    @initialize(classified=st.booleans(), estimate=st.sampled_from([5_000_000_00, 20_000_000_00]))
    def draft(self, classified, estimate):
        self.project, entry = model.create(draft(investment_estimate=estimate, declared_classified=classified),
                                           project_id="p-1", code="CITY-2026-0001", actor=UNIT, now=NOW)
        self.history = [entry]
        self.events = []
        self.state_changes = 0
        self.started_uncleared = False

    @rule(data=st.data(), action=st.sampled_from(Action), actor=st.sampled_from(ACTORS))
    def random_action(self, data, action, actor):
        self.take(data, action, actor, data.draw(payloads(action)))

    def take(self, data, action, actor, payload):
        before = self.project
        try:
            after, entry = model.decide(before, action, payload, actor=actor, now=NOW, context=CONTEXT)
        except (DomainError, PermissionDenied):
            assert self.project is before  # a refusal changes nothing
            return
        if after.status is ProjectStatus.IN_OPERATION and before.status is not ProjectStatus.IN_OPERATION:
            self.started_uncleared |= before.classified and not before.pre_use_approved
        self.project = after
        self.history.append(entry)
        event = announcement(action, after, entry, payload)
        if event is not None:
            self.events.append(event)
        if after.status != before.status:
            self.state_changes += 1
            assert event is not None, f"{action} changed the state without an event"
        assert after.version == before.version + 1

    @rule(data=st.data())
    def advance(self, data):
        """Take the next step of the ordinary path with the right department, so runs reach the late states."""
        step = NEXT.get(self.project.status)
        if self.project.status is ProjectStatus.SUBMITTED and data.draw(st.integers(0, 9)) == 0:
            step = lambda p: (Action.REJECT, BUREAU_ACTOR, ("incomplete sharing plan",))  # noqa: E731
        if self.project.status is ProjectStatus.BUDGET_REVIEW_PASSED and not self.project.performance_targets:
            step = lambda p: (Action.SET_PERFORMANCE_TARGETS, UNIT, TARGETS)  # noqa: E731
        elif self.project.status is ProjectStatus.BUDGET_REVIEW_PASSED:  # a sum near the budget, either side of it
            total = self.project.approved_budget + data.draw(st.integers(-2, 2))
            step = lambda p: (Action.RECORD_CONTRACT, UNIT, contract(total))  # noqa: E731
        if step is not None:
            action, actor, payload = step(self.project)
            self.take(data, action, actor, payload)

    @rule(passed=st.booleans(), pre_use=st.booleans(), confirmed=st.sampled_from([None, True, False]))
    def secrecy_reports(self, passed, pre_use, confirmed):
        """The secrecy service's facts arrive in any order and may change (a failed review, a declassification)."""
        self.project = self.project.model_copy(update={"secrecy_review_passed": passed, "pre_use_approved": pre_use,
                                                       "confirmed_classified": confirmed})

    @invariant()
    def note_how_far_it_got(self):
        REACHED.add(self.project.status)

    @invariant()
    def nothing_in_operation_without_acceptance(self):
        if self.project.status in (ProjectStatus.IN_OPERATION, ProjectStatus.CLOSED):
            assert self.project.accepted_at is not None and self.project.operation is not None
            assert self.project.operation.om_months >= 36

    @invariant()
    def no_classified_project_in_operation_without_pre_use_approval(self):
        # Judged at the moment of the transition: the facts may change afterwards (R-ACC-5, R-SEC-1).
        assert not self.started_uncleared

    @invariant()
    def no_contract_above_the_approved_budget(self):
        if self.project.contract is not None:
            assert self.project.approved_budget is not None
            assert self.project.contract.contract_sum <= self.project.approved_budget

    @invariant()
    def one_event_and_one_history_line_per_state_change(self):
        changes = [e for e in self.history[1:] if e.from_status != e.to_status]
        assert len(changes) == self.state_changes
        assert len([e for e in self.events if not e.event_type.startswith(("approval.change.", "approval.publication."))
                    ]) == self.state_changes

TestLifecycle = Lifecycle.TestCase
TestLifecycle.settings = settings(max_examples=200, stateful_step_count=100, deadline=None,
                                  suppress_health_check=[HealthCheck.too_slow])


def test_the_random_runs_reached_every_state():
    """Guards the property test itself: it is worthless if the runs never get past the first states."""
    if not REACHED:
        TestLifecycle().runTest()
    assert REACHED == set(ProjectStatus), set(ProjectStatus) - REACHED


def test_every_action_that_takes_a_payload_has_a_strategy():
    without_payload = {Action.SUBMIT, Action.APPROVE, Action.REVISE, Action.START_CONSTRUCTION,
                       Action.PASS_COMPLETION_ACCEPTANCE}
    assert set(Action) - without_payload == set(payload_strategies())
