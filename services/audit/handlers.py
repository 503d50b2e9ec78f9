"""Audit's reactions to other bureaus' events: keeping the project register current (R-AUD-3), and Finance's
settlement amount (R-FIN-6) and the Secrecy Bureau's classification as facts of their own, whichever order the
events come in (`register_entries` joins them for readers).

A row another event may be creating at the same moment is written with one INSERT ... ON CONFLICT statement, so two
events of one project at once both succeed on their first delivery."""
from __future__ import annotations

from services.audit.adapters.orm import classifications, publicity, register, settlements
from shared.clock import as_utc
from shared.db import upsert
from shared.events import (ClassificationConfirmed, Envelope, ProjectAccepted, ProjectApproved, PublicationReleased,
                           PublicationWithheld, SettlementReviewed)
from shared.uow import UnitOfWork


async def on_project_approved(uow: UnitOfWork, event: ProjectApproved, envelope: Envelope) -> None:
    await uow.session.execute(upsert(uow.session, register).values(
        project_id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
        jurisdiction=event.jurisdiction, kind=event.kind, investment=event.investment_estimate,
        approved_at=event.approved_at, classified=event.classified)
        .on_conflict_do_nothing(index_elements=[register.c.project_id]))


async def on_project_accepted(uow: UnitOfWork, event: ProjectAccepted, envelope: Envelope) -> None:
    """R-AUD-3: the Approval Bureau sends accepted projects to the Audit Bureau, with the approved investment."""
    values = {"investment": event.investment, "accepted_at": event.accepted_at, "classified": event.classified}
    # Without the approval event (not arrived, or before this register existed) the project is registered here.
    await uow.session.execute(upsert(uow.session, register).values(
        project_id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
        jurisdiction=event.jurisdiction, kind=event.kind, approved_at=event.accepted_at, **values)
        .on_conflict_do_update(index_elements=[register.c.project_id], set_=values))


async def on_settlement_reviewed(uow: UnitOfWork, event: SettlementReviewed, envelope: Envelope) -> None:
    """R-FIN-6: Finance's settlement review gives the register its settlement amount; the latest review wins."""
    reviewed_at = as_utc(event.reviewed_at)
    values = dict(settlement_amount=event.settlement_amount, reviewed_at=reviewed_at)
    await uow.session.execute(upsert(uow.session, settlements).values(project_id=event.project_id, **values)
                              .on_conflict_do_update(index_elements=[settlements.c.project_id], set_=values,
                                                     where=settlements.c.reviewed_at <= reviewed_at))


async def on_classification_confirmed(uow: UnitOfWork, event: ClassificationConfirmed, envelope: Envelope) -> None:
    """Classification is the Secrecy Bureau's fact: its latest decision is the one the register keeps."""
    decided_at = as_utc(event.decided_at)
    values = dict(classified=event.classified, decided_at=decided_at)
    await uow.session.execute(
        upsert(uow.session, classifications).values(project_id=event.project_id, **values)
        .on_conflict_do_update(index_elements=[classifications.c.project_id], set_=values,
                               where=classifications.c.decided_at <= decided_at))


async def on_publication_decided(uow: UnitOfWork, event: PublicationWithheld | PublicationReleased,
                                 envelope: Envelope) -> None:
    """R-PUB-1: the Approval Bureau's latest decision on a project's publication is the one the register keeps."""
    decided_at = as_utc(event.decided_at)
    values = dict(withheld=isinstance(event, PublicationWithheld), decided_at=decided_at)
    await uow.session.execute(
        upsert(uow.session, publicity).values(project_id=event.project_id, **values)
        .on_conflict_do_update(index_elements=[publicity.c.project_id], set_=values,
                               where=publicity.c.decided_at <= decided_at))


HANDLERS = {
    ProjectApproved.event_type: on_project_approved,
    ProjectAccepted.event_type: on_project_accepted,
    SettlementReviewed.event_type: on_settlement_reviewed,
    ClassificationConfirmed.event_type: on_classification_confirmed,
    PublicationWithheld.event_type: on_publication_decided,
    PublicationReleased.event_type: on_publication_decided,
}
