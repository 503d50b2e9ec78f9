"""Audit's reactions to other bureaus' events: keeping the project register current (R-AUD-3), with Finance's
settlement amount (R-FIN-6) and the Secrecy Bureau's classification, whichever order the events come in.

A row another event may be creating at the same moment is written with one INSERT ... ON CONFLICT statement, so two
events of one project at once both succeed on their first delivery."""
from __future__ import annotations

from sqlalchemy import select, update

from services.audit.adapters.orm import classifications, register, settlements
from shared.clock import as_utc
from shared.db import upsert
from shared.events import ClassificationConfirmed, Envelope, ProjectAccepted, ProjectApproved, SettlementReviewed
from shared.uow import UnitOfWork


async def _reported_facts(uow: UnitOfWork, project_id: str) -> dict:
    """What Finance and the Secrecy Bureau already reported: their facts win over the approval event's copy."""
    facts = {}
    settlement = (await uow.session.execute(select(settlements.c.settlement_amount).where(
        settlements.c.project_id == project_id))).scalar()
    if settlement is not None:
        facts["settlement_amount"] = settlement
    classified = (await uow.session.execute(select(classifications.c.classified).where(
        classifications.c.project_id == project_id))).scalar()
    if classified is not None:
        facts["classified"] = classified
    return facts


async def on_project_approved(uow: UnitOfWork, event: ProjectApproved, envelope: Envelope) -> None:
    values = {"classified": event.classified, **await _reported_facts(uow, event.project_id)}
    await uow.session.execute(upsert(uow.session, register).values(
        project_id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
        jurisdiction=event.jurisdiction, kind=event.kind, investment=event.investment_estimate,
        approved_at=event.approved_at, **values).on_conflict_do_nothing(index_elements=[register.c.project_id]))


async def on_project_accepted(uow: UnitOfWork, event: ProjectAccepted, envelope: Envelope) -> None:
    """R-AUD-3: the Approval Bureau sends accepted projects to the Audit Bureau, with the approved investment."""
    values = {"investment": event.investment, "accepted_at": event.accepted_at, "classified": event.classified,
              **await _reported_facts(uow, event.project_id)}
    # Without the approval event (not arrived, or before this register existed) the project is registered here.
    await uow.session.execute(upsert(uow.session, register).values(
        project_id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
        jurisdiction=event.jurisdiction, kind=event.kind, approved_at=event.accepted_at, **values)
        .on_conflict_do_update(index_elements=[register.c.project_id], set_=values))


async def on_settlement_reviewed(uow: UnitOfWork, event: SettlementReviewed, envelope: Envelope) -> None:
    """R-FIN-6: Finance's settlement review gives the register its settlement amount; the latest review wins."""
    reviewed_at = as_utc(event.reviewed_at)
    values = dict(settlement_amount=event.settlement_amount, reviewed_at=reviewed_at)
    kept = await uow.session.execute(upsert(uow.session, settlements).values(project_id=event.project_id, **values)
                                     .on_conflict_do_update(index_elements=[settlements.c.project_id], set_=values,
                                                            where=settlements.c.reviewed_at <= reviewed_at)
                                     .returning(settlements.c.project_id))
    if kept.first() is None:
        return  # an older review arriving late
    await uow.session.execute(update(register).where(register.c.project_id == event.project_id)
                              .values(settlement_amount=event.settlement_amount))


async def on_classification_confirmed(uow: UnitOfWork, event: ClassificationConfirmed, envelope: Envelope) -> None:
    """Classification is the Secrecy Bureau's fact: its latest decision is the one the register keeps."""
    decided_at = as_utc(event.decided_at)
    values = dict(classified=event.classified, decided_at=decided_at)
    kept = await uow.session.execute(
        upsert(uow.session, classifications).values(project_id=event.project_id, **values)
        .on_conflict_do_update(index_elements=[classifications.c.project_id], set_=values,
                               where=classifications.c.decided_at <= decided_at)
        .returning(classifications.c.project_id))
    if kept.first() is None:
        return  # an older decision arriving late
    await uow.session.execute(update(register).where(register.c.project_id == event.project_id)
                              .values(classified=event.classified))


HANDLERS = {
    ProjectApproved.event_type: on_project_approved,
    ProjectAccepted.event_type: on_project_accepted,
    SettlementReviewed.event_type: on_settlement_reviewed,
    ClassificationConfirmed.event_type: on_classification_confirmed,
}
