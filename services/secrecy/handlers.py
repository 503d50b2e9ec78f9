"""Secrecy's reactions to the approval service's events, each inside one unit of work with its inbox row.

Every event keeps the register's copy of the project's facts current (the unit's declaration, and whether the
project was approved or accepted); an approved classified project gets a secrecy review (R-REV-3), an accepted
classified one a review before use (R-ACC-5, R-SEC-1).
"""
from __future__ import annotations

from datetime import datetime

from services.secrecy.adapters.repository import SecrecyRepository
from services.secrecy.domain.classification import (
    ProjectFacts,
    RegisterEntry,
    mark_accepted,
    mark_approved,
    record_declaration,
)
from services.secrecy.service_layer.cases import open_cases_if_needed, save_entry
from shared.clock import as_utc, utc_now
from shared.events import Envelope, ProjectAccepted, ProjectApproved, ProjectSubmitted
from shared.uow import UnitOfWork


def _facts(event: ProjectSubmitted | ProjectApproved | ProjectAccepted) -> ProjectFacts:
    return ProjectFacts(project_id=event.project_id, code=event.code, unit_id=event.unit_id,
                        unit_path=tuple(event.unit_path))


async def _record(uow: UnitOfWork, event, declared_classified: bool, envelope: Envelope, mark=None,
                  at: datetime | None = None) -> RegisterEntry:
    """Register the facts: the project's first event inserts its entry; a later one (or one racing the first)
    updates the entry it holds locked, so two events of one project at once queue instead of colliding."""
    repository = SecrecyRepository(uow.session)

    def recorded(before: RegisterEntry | None) -> RegisterEntry:
        after = record_declaration(before, _facts(event), declared_classified=declared_classified,
                                   at=as_utc(envelope.time))
        return mark(after, as_utc(at)) if mark is not None else after

    after = recorded(None)
    if not await repository.add_entry_if_missing(after):
        before = await repository.entry(event.project_id, lock=True)
        after = recorded(before)
        await save_entry(repository, before, after)
    await open_cases_if_needed(repository, after, now=utc_now(), because_of=envelope.type)
    return after


async def on_project_submitted(uow: UnitOfWork, event: ProjectSubmitted, envelope: Envelope) -> None:
    """A (re)submission records the unit's declaration; the bureau's own decision, once made, is kept."""
    await _record(uow, event, event.declared_classified, envelope)


async def on_project_approved(uow: UnitOfWork, event: ProjectApproved, envelope: Envelope) -> None:
    """R-REV-3: the register knows the project is approved; a classified one gets its secrecy review."""
    await _record(uow, event, event.classified, envelope, mark_approved, event.approved_at)


async def on_project_accepted(uow: UnitOfWork, event: ProjectAccepted, envelope: Envelope) -> None:
    """R-ACC-5: the project passed completion acceptance; a classified one awaits its review before use."""
    await _record(uow, event, event.classified, envelope, mark_accepted, event.accepted_at)


HANDLERS = {
    ProjectSubmitted.event_type: on_project_submitted,
    ProjectApproved.event_type: on_project_approved,
    ProjectAccepted.event_type: on_project_accepted,
}
