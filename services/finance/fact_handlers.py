"""Finance's reactions to the facts other bureaus report about a project's course: the contract (payments follow
it), completion acceptance (settlement review, rewards), formal operation and performance reviews (O&M funds,
R-PER-2), and audit findings (sanctions, R-FIN-4). Each runs in one unit of work with its inbox row.

Events may arrive in any order and twice: each fact is kept per project whether or not Finance knows the project
yet, and an older performance review never replaces a newer one.
"""
from __future__ import annotations

from services.finance.adapters.facts import FactsRepository
from services.finance.domain.history import Actor
from services.finance.domain.project_facts import PerformanceFacts, Rectification
from services.finance.domain.sanctions import Finding
from services.finance.domain.trail import TrailEntry
from services.finance.service_layer.common import note_on_trail
from shared.clock import as_utc, utc_now
from shared.events import (
    AuditFindingPublished,
    ContractRecorded,
    Envelope,
    OperationStarted,
    PerformanceReviewed,
    ProjectAccepted,
)
from shared.uow import UnitOfWork


def _noted(action: str, department: str, envelope: Envelope, detail: dict) -> TrailEntry:
    return TrailEntry(utc_now(), action, Actor.event(department, envelope.source, envelope.id), detail)


async def on_contract_recorded(uow: UnitOfWork, event: ContractRecorded, envelope: Envelope) -> None:
    """Payments follow the contract (R-IMP-1): from now on the project can be paid."""
    await FactsRepository(uow.session).record(event.project_id, contract_id=event.contract_id,
                                              contract_sum=event.contract_sum, contract_signed_on=event.signed_on)
    await note_on_trail(uow, event.project_id, _noted("CONTRACT_RECORDED", "APPROVAL_BUREAU", envelope, {
        "contract_id": event.contract_id, "contract_sum": event.contract_sum,
        "signed_on": event.signed_on.isoformat()}))


async def on_project_accepted(uow: UnitOfWork, event: ProjectAccepted, envelope: Envelope) -> None:
    """Completion acceptance (竣工验收): the basis of the settlement review (R-FIN-6) and of a reward (R-FIN-3)."""
    await FactsRepository(uow.session).record(
        event.project_id, accepted_at=as_utc(event.accepted_at), accepted_investment=event.investment,
        accepted_budget=event.approved_budget, accepted_contract_sum=event.contract_sum,
        self_funded=event.self_funded)
    await note_on_trail(uow, event.project_id, _noted("PROJECT_ACCEPTED", "APPROVAL_BUREAU", envelope, {
        "investment": event.investment, "self_funded": event.self_funded}))


async def on_operation_started(uow: UnitOfWork, event: OperationStarted, envelope: Envelope) -> None:
    """Formal operation (R-ACC-5, R-OPS-1): O&M funds may flow, within the agreed yearly O&M funding."""
    await FactsRepository(uow.session).record(
        event.project_id, operation_started_on=event.started_on, om_years=event.om_years,
        om_annual_funding=event.om_annual_funding, operating_organisation=event.operating_organisation)
    await note_on_trail(uow, event.project_id, _noted("OPERATION_STARTED", "APPROVAL_BUREAU", envelope, {
        "om_years": event.om_years, "om_annual_funding": event.om_annual_funding}))


async def on_performance_reviewed(uow: UnitOfWork, event: PerformanceReviewed, envelope: Envelope) -> None:
    """R-PER-2: the rectification status of a year's review decides whether O&M funds are released."""
    facts = FactsRepository(uow.session)
    arrived = PerformanceFacts(event.year, event.targets_met, Rectification(event.rectification),
                               as_utc(event.reviewed_at))
    if not await facts.keep_newer_performance_review(event.project_id, arrived):
        return  # a newer review of that year is held
    await note_on_trail(uow, event.project_id, _noted("PERFORMANCE_REVIEWED", "APPROVAL_BUREAU", envelope, {
        "year": event.year, "targets_met": event.targets_met, "rectification": event.rectification}))


async def on_audit_finding_published(uow: UnitOfWork, event: AuditFindingPublished, envelope: Envelope) -> None:
    """R-FIN-4: an audit finding Finance must act on (or may, for OTHER). The same finding twice is kept once."""
    facts = FactsRepository(uow.session)
    if not await facts.add_finding(Finding(event.finding_id, event.project_id, event.engagement_id,
                                           event.violation_type, event.amount, event.summary,
                                           as_utc(event.published_at))):
        return
    await note_on_trail(uow, event.project_id, _noted("AUDIT_FINDING_RECEIVED", "AUDIT_BUREAU", envelope, {
        "finding_id": event.finding_id, "violation_type": event.violation_type.value, "amount": event.amount}))


FACT_HANDLERS = {
    ContractRecorded.event_type: on_contract_recorded,
    ProjectAccepted.event_type: on_project_accepted,
    OperationStarted.event_type: on_operation_started,
    PerformanceReviewed.event_type: on_performance_reviewed,
    AuditFindingPublished.event_type: on_audit_finding_published,
}
