"""The event each action announces: one per state change, built from the project after the change."""
from __future__ import annotations

from services.approval.domain.lifecycle import Action
from services.approval.domain.performance import cycle_of
from services.approval.domain.model import HistoryEntry, Project
from shared.events import (
    BudgetReviewRecorded, ChangeApproved, ChangeRejected, ChangeRequested, CompletionAcceptanceRefused,
    CompletionAcceptanceRequested, ConstructionStarted, ContractRecorded, FundSourceAmount, InitialAcceptancePassed,
    OperationStarted, PerformanceReviewed, ProjectAccepted, ProjectApproved, ProjectClosed, ProjectRejected, ProjectRevised,
    ProjectSubmitted, PublicationReleased, PublicationWithheld, TechnicalReviewConcluded, UnauthorizedChangeRecorded,
    YearAmount,
)
from shared.events.envelope import EventPayload


def _funds(p: Project) -> list[FundSourceAmount]:
    return [FundSourceAmount(source=s.source.value, amount=s.amount) for s in p.fund_sources]


def _last_change(p: Project) -> str:
    return p.changes[-1].change_id


BUILDERS = {
    Action.SUBMIT: lambda p, e, _: ProjectSubmitted(
        project_id=p.id, code=p.code, unit_id=p.unit_id, unit_path=list(p.unit_path), jurisdiction=p.jurisdiction,
        kind=p.kind.value, investment_estimate=p.investment_estimate, declared_classified=p.declared_classified),
    Action.APPROVE: lambda p, e, _: ProjectApproved(
        project_id=p.id, code=p.code, name=None if p.classified else p.name, unit_id=p.unit_id,
        unit_path=list(p.unit_path), jurisdiction=p.jurisdiction, kind=p.kind.value,
        investment_estimate=p.investment_estimate, fund_sources=_funds(p), classified=p.classified,
        approved_at=e.at),
    Action.REJECT: lambda p, e, _: ProjectRejected(project_id=p.id, code=p.code, reasons=list(e.reasons)),
    Action.REVISE: lambda p, e, _: ProjectRevised(project_id=p.id, code=p.code),
    Action.CONCLUDE_TECHNICAL_REVIEW: lambda p, e, _: TechnicalReviewConcluded(
        project_id=p.id, code=p.code, approved_estimate=p.opinion.approved_estimate, classified=p.classified,
        fund_sources=_funds(p), cross_year=p.dossier.cross_year,
        yearly_plan=[YearAmount(year=y.year, amount=y.amount) for y in p.dossier.yearly_plan], concluded_at=e.at),
    Action.RECORD_BUDGET_REVIEW: lambda p, e, _: BudgetReviewRecorded(project_id=p.id, code=p.code,
                                                                   approved_budget=p.approved_budget),
    Action.RECORD_CONTRACT: lambda p, e, _: ContractRecorded(
        project_id=p.id, code=p.code, contract_id=p.contract.contract_id,
        vendor_ids=[v.vendor_id for v in p.contract.vendors], contract_sum=p.contract.contract_sum,
        signed_on=p.contract.signed_on),
    Action.START_CONSTRUCTION: lambda p, e, _: ConstructionStarted(project_id=p.id, code=p.code,
                                                                started_on=e.at.date()),
    Action.REQUEST_CHANGE: lambda p, e, _: ChangeRequested(project_id=p.id, code=p.code, change_id=_last_change(p)),
    Action.APPROVE_CHANGE: lambda p, e, change_id: ChangeApproved(project_id=p.id, code=p.code,
                                                                  change_id=change_id),
    Action.REJECT_CHANGE: lambda p, e, payload: ChangeRejected(project_id=p.id, code=p.code, change_id=payload[0],
                                                               reasons=list(e.reasons)),
    Action.RECORD_UNAUTHORIZED_CHANGE: lambda p, e, _: UnauthorizedChangeRecorded(project_id=p.id, code=p.code,
                                                                               change_id=_last_change(p)),
    Action.PASS_INITIAL_ACCEPTANCE: lambda p, e, _: InitialAcceptancePassed(project_id=p.id, code=p.code,
                                                                         passed_on=e.at.date()),
    Action.APPLY_FOR_COMPLETION_ACCEPTANCE: lambda p, e, _: CompletionAcceptanceRequested(
        project_id=p.id, code=p.code, requested_at=e.at),
    Action.PASS_COMPLETION_ACCEPTANCE: lambda p, e, _: ProjectAccepted(
        project_id=p.id, code=p.code, unit_id=p.unit_id, unit_path=list(p.unit_path), jurisdiction=p.jurisdiction,
        kind=p.kind.value, investment=p.investment, approved_budget=p.approved_budget or 0,
        contract_sum=p.contract.contract_sum if p.contract else 0, self_funded=not p.city_decided,
        classified=p.classified, accepted_at=e.at),
    Action.REFUSE_COMPLETION_ACCEPTANCE: lambda p, e, _: CompletionAcceptanceRefused(project_id=p.id, code=p.code,
                                                                                  reasons=list(e.reasons)),
    Action.START_OPERATION: lambda p, e, _: OperationStarted(
        project_id=p.id, code=p.code, om_years=p.operation.om_months // 12, om_months=p.operation.om_months,
        operating_organisation=p.operation.operating_organisation,
        om_annual_funding=p.operation.om_annual_funding, started_on=p.operation.started_on),
    Action.CLOSE: lambda p, e, _: ProjectClosed(project_id=p.id, code=p.code, reason=e.reasons[0]),
}


def _performance(p: Project, e: HistoryEntry, year: int) -> PerformanceReviewed:
    cycle = cycle_of(p, year)
    return PerformanceReviewed(project_id=p.id, code=p.code, year=year, targets_met=bool(cycle.targets_met),
                               rectification=cycle.rectification.value, reviewed_at=e.at)


BUILDERS[Action.REVIEW_PERFORMANCE] = lambda p, e, review: _performance(p, e, review.year)
BUILDERS[Action.CONFIRM_RECTIFICATION] = lambda p, e, year: _performance(p, e, year)
# R-PUB-1; a classified project's reasons stay inside the secrecy boundary (R-SEC-2).
BUILDERS[Action.WITHHOLD_PUBLICATION] = lambda p, e, c: PublicationWithheld(
    project_id=p.id, code=p.code, law=p.withholding.law, reason=None if p.classified else p.withholding.reason,
    decided_at=e.at)
BUILDERS[Action.RELEASE_PUBLICATION] = lambda p, e, c: PublicationReleased(
    project_id=p.id, code=p.code, reason=None if p.classified else e.reasons[0], decided_at=e.at)


def announcement(action: Action, project: Project, entry: HistoryEntry, payload) -> EventPayload | None:
    builder = BUILDERS.get(action)
    return builder(project, entry, payload) if builder else None
