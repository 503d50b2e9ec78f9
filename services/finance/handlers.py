"""Finance's reactions to other bureaus' events, each inside one unit of work with its inbox row.

Events may arrive in any order: whichever of the approval and the technical-review events comes first opens the
case; the secrecy facts are kept per project, whether or not a case exists yet.
"""
from __future__ import annotations

import uuid


from services.finance.adapters.orm import projects
from services.finance.adapters.repository import BudgetReviewRepository
from services.finance.domain import decisions
from services.finance.domain.budget_review import BudgetReviewCase, SecrecyFacts, open_case
from services.finance.domain.history import Actor
from services.finance.fact_handlers import FACT_HANDLERS
from shared.clock import as_utc, utc_now
from shared.db import upsert
from shared.events import (
    BudgetReviewOpened,
    ClassificationConfirmed,
    Envelope,
    ProjectApproved,
    SecrecyReviewFailed,
    SecrecyReviewPassed,
    TechnicalReviewConcluded,
)
from shared.uow import UnitOfWork


def _actor(department: str, envelope: Envelope) -> Actor:
    return Actor.event(department, envelope.source, envelope.id)


def _open(project_id: str, actor: Actor) -> tuple[BudgetReviewCase, list]:
    case = open_case(case_id=str(uuid.uuid4()), project_id=project_id, now=utc_now())
    return case, [decisions.open_case_decision(case, actor)]


async def _announce_opened(uow: UnitOfWork, case: BudgetReviewCase) -> None:
    await uow.emit(BudgetReviewOpened(project_id=case.project_id, case_id=case.id, status=case.status.value),
                   subject=case.project_id)


async def on_project_approved(uow: UnitOfWork, event: ProjectApproved, envelope: Envelope) -> None:
    """An approved project gets Finance's copy of its facts and a budget-review case (R-REV-2)."""
    session = uow.session
    await session.execute(upsert(session, projects).values(
        id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
        jurisdiction=event.jurisdiction, investment_estimate=event.investment_estimate,
        classified=event.classified, approved_at=event.approved_at).on_conflict_do_nothing(
        index_elements=[projects.c.id]))
    repository = BudgetReviewRepository(session)
    if await repository.get(event.project_id) is not None:
        return  # the technical-review opinion came first and opened the case
    case, entries = _open(event.project_id, _actor("APPROVAL_BUREAU", envelope))
    if await repository.add(case, entries):  # else the opinion, handled at this moment, opened it
        await _announce_opened(uow, case)


async def on_technical_review_concluded(uow: UnitOfWork, event: TechnicalReviewConcluded,
                                        envelope: Envelope) -> None:
    """The review opinion (审查意见, R-REV-1) arrives: the case reviews on its basis (IN_REVIEW)."""
    repository = BudgetReviewRepository(uow.session)
    actor = _actor("APPROVAL_BUREAU", envelope)
    opinion = decisions.review_opinion(
        approved_estimate=event.approved_estimate, classified=event.classified,
        fund_sources=[(f.source, f.amount) for f in event.fund_sources], cross_year=event.cross_year,
        yearly_plan=[(y.year, y.amount) for y in event.yearly_plan], concluded_at=as_utc(event.concluded_at))
    case = await repository.get(event.project_id)
    if case is None:  # the approval event has not arrived yet
        opened, entries = _open(event.project_id, actor)
        updated, entry = decisions.receive_opinion(opened, opinion, actor=actor, now=opened.opened_at)
        if await repository.add(updated, entries + [entry]):
            await _announce_opened(uow, updated)
            return
        case = await repository.get(event.project_id)  # the approval, handled at this moment, opened it
    updated, entry = decisions.receive_opinion(case, opinion, actor=actor, now=utc_now())
    if entry is not None:
        await repository.save(case, updated, [entry])


async def _record_secrecy(uow: UnitOfWork, project_id: str, change, *, action: str, envelope: Envelope,
                          detail: dict, reason: str | None = None) -> None:
    repository = BudgetReviewRepository(uow.session)
    facts = await repository.lock_secrecy_facts(project_id)
    new_facts: SecrecyFacts | None = change(facts)
    if new_facts is None:
        return  # older than what Finance already knows
    await repository.save_secrecy_facts(project_id, new_facts, exists=True)
    case = await repository.get(project_id)
    if case is not None:
        updated, entry = decisions.note_secrecy_fact(case, new_facts, action=action, detail=detail, reason=reason,
                                                     actor=_actor("SECRECY_BUREAU", envelope), now=utc_now())
        await repository.save(case, updated, [entry])


async def on_classification_confirmed(uow: UnitOfWork, event: ClassificationConfirmed, envelope: Envelope) -> None:
    """Classification is the Secrecy Bureau's fact: its latest decision wins over the review opinion's flag."""
    decided_at = as_utc(event.decided_at)
    await _record_secrecy(
        uow, event.project_id,
        lambda facts: decisions.record_classification(facts, classified=event.classified, level=event.level,
                                                      decided_at=decided_at),
        action="CLASSIFICATION_CONFIRMED", envelope=envelope,
        detail={"classified": event.classified, "level": event.level, "decided_at": decided_at.isoformat()})


async def on_secrecy_review_passed(uow: UnitOfWork, event: SecrecyReviewPassed, envelope: Envelope) -> None:
    """R-REV-3: the secrecy review passed; a classified project's budget review may conclude."""
    passed_at = as_utc(event.passed_at)
    await _record_secrecy(
        uow, event.project_id,
        lambda facts: decisions.record_secrecy_review(facts, passed=True, review_id=event.review_id,
                                                      decided_at=passed_at),
        action="SECRECY_REVIEW_PASSED", envelope=envelope,
        detail={"review_id": event.review_id, "passed_at": passed_at.isoformat()})


async def on_secrecy_review_failed(uow: UnitOfWork, event: SecrecyReviewFailed, envelope: Envelope) -> None:
    """R-REV-3: the secrecy review failed; the event carries no instant, so its envelope's time orders it."""
    failed_at = as_utc(envelope.time)
    await _record_secrecy(
        uow, event.project_id,
        lambda facts: decisions.record_secrecy_review(facts, passed=False, review_id=event.review_id,
                                                      decided_at=failed_at),
        action="SECRECY_REVIEW_FAILED", envelope=envelope,
        detail={"review_id": event.review_id, "failed_at": failed_at.isoformat()},
        reason="; ".join(event.reasons) or None)


HANDLERS = {
    **FACT_HANDLERS,
    ProjectApproved.event_type: on_project_approved,
    TechnicalReviewConcluded.event_type: on_technical_review_concluded,
    ClassificationConfirmed.event_type: on_classification_confirmed,
    SecrecyReviewPassed.event_type: on_secrecy_review_passed,
    SecrecyReviewFailed.event_type: on_secrecy_review_failed,
}
