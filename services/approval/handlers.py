"""One function per command, each inside one unit of work: state, history and outbox commit together."""
from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from services.approval.adapters.repository import ConcurrentUpdate, ProjectRepository
from services.approval.domain import model
from services.approval.domain.lifecycle import Action
from shared.auth import Identity
from shared.clock import budget_year, utc_now
from shared.errors import NotFound, refuse
from shared.events import FundSourceAmount, ProjectApproved, ProjectRejected, ProjectSubmitted
from shared.uow import UnitOfWork
from shared.visibility import can_see_project

UowFactory = Callable[[], UnitOfWork]


def visible(project: model.Project, identity: Identity) -> bool:
    return can_see_project(identity, unit_path=project.unit_path, classified=project.declared_classified)


async def create_project(uow_factory: UowFactory, draft: model.ProjectDraft, actor: Identity) -> model.Project:
    """Draft a project; its code (项目编号) is the next number of its jurisdiction and budget year."""
    for _attempt in range(5):
        now = utc_now()
        year = budget_year(now)
        try:
            async with uow_factory() as uow:
                repository = ProjectRepository(uow.session)
                sequence = await repository.next_sequence(draft.jurisdiction, year)
                project = model.create(draft, project_id=str(uuid.uuid4()),
                                       code=f"{draft.jurisdiction}-{year}-{sequence:04d}", actor=actor, now=now)
                await repository.add(project, year=year, sequence=sequence)
                await uow.commit()
                return project
        except IntegrityError:
            continue  # another draft took the same number first; take the next one
    raise RuntimeError("could not allocate a project code after 5 attempts")


async def _transition(uow_factory: UowFactory, project_id: str, action: Action, actor: Identity,
                      reasons: tuple[str, ...] = ()) -> model.Project:
    async with uow_factory() as uow:
        repository = ProjectRepository(uow.session)
        project = await repository.get(project_id)
        if project is None or not visible(project, actor):
            raise NotFound("project")
        if action is Action.SUBMIT:
            model.validate_draft(model.ProjectDraft(
                name=project.name, kind=project.kind, jurisdiction=project.jurisdiction,
                investment_estimate=project.investment_estimate, fund_sources=project.fund_sources,
                declared_classified=project.declared_classified))
        updated, entry = model.decide(project, action, actor=actor, now=utc_now(), reasons=reasons)
        try:
            await repository.save_transition(project, updated, entry)
        except ConcurrentUpdate:
            raise refuse("CONFLICT", "the project changed while you were deciding; reload it and try again", "id")
        await uow.emit(_event_for(updated, action, entry), subject=updated.id)
        await uow.commit()
        return updated


def _event_for(project: model.Project, action: Action, entry: model.HistoryEntry):
    if action is Action.SUBMIT:
        return ProjectSubmitted(
            project_id=project.id, code=project.code, unit_id=project.unit_id, unit_path=list(project.unit_path),
            jurisdiction=project.jurisdiction, kind=project.kind.value, investment_estimate=project.investment_estimate,
            declared_classified=project.declared_classified)
    if action is Action.APPROVE:
        return ProjectApproved(
            project_id=project.id, code=project.code,
            name=None if project.declared_classified else project.name,
            unit_id=project.unit_id, unit_path=list(project.unit_path), jurisdiction=project.jurisdiction,
            kind=project.kind.value, investment_estimate=project.investment_estimate,
            fund_sources=[FundSourceAmount(source=s.value, amount=a) for s, a in project.fund_sources],
            classified=project.declared_classified, approved_at=entry.at)
    if action is Action.REJECT:
        return ProjectRejected(project_id=project.id, code=project.code, reasons=list(entry.reasons))
    raise ValueError(action)


async def submit_project(uow_factory: UowFactory, project_id: str, actor: Identity) -> model.Project:
    return await _transition(uow_factory, project_id, Action.SUBMIT, actor)


async def approve_project(uow_factory: UowFactory, project_id: str, actor: Identity) -> model.Project:
    return await _transition(uow_factory, project_id, Action.APPROVE, actor)


async def reject_project(uow_factory: UowFactory, project_id: str, actor: Identity,
                         reasons: tuple[str, ...]) -> model.Project:
    return await _transition(uow_factory, project_id, Action.REJECT, actor, reasons)
