"""One function per command, inside one unit of work: the project, its history line and its event commit together."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from services.approval.adapters.plans import PlanRepository
from services.approval.adapters.repository import ConcurrentUpdate, ProjectRepository
from services.approval.announcements import announcement
from services.approval.domain import model
from services.approval.domain.lifecycle import Action
from shared.auth import Identity
from shared.clock import budget_year, utc_now
from shared.errors import NotFound, refuse
from shared.uow import UnitOfWork
from shared.visibility import can_see_project

UowFactory = Callable[[], UnitOfWork]


def visible(project: model.Project, identity: Identity) -> bool:
    return can_see_project(identity, unit_path=project.unit_path, classified=project.classified)


async def create_project(uow_factory: UowFactory, draft: model.ProjectDraft, actor: Identity) -> model.Project:
    """Draft a project; its code (项目编号) is the next number of its jurisdiction and budget year, taken from the
    year's counter in the draft's own transaction (concurrent drafts wait their turn for it, none fails)."""
    now = utc_now()
    year = budget_year(now)
    async with uow_factory() as uow:
        repository = ProjectRepository(uow.session)
        sequence = await repository.next_sequence(draft.jurisdiction, year)
        project, entry = model.create(draft, project_id=str(uuid.uuid4()),
                                      code=f"{draft.jurisdiction}-{year}-{sequence:04d}", actor=actor, now=now)
        await repository.add(project, entry, year=year, sequence=sequence)
        await uow.commit()
        return project


async def act_within(uow: UnitOfWork, project_id: str, action: Action, actor: Identity, payload: Any = None, *,
                     major_threshold: int, lock: bool = False) -> model.Project:
    """Decide `action` on the project inside the caller's unit of work (which commits); a consumer passes `lock`
    to decide on the latest record rather than fail on a concurrent change (it has no user to retry for it)."""
    model.check_department(action, actor)
    repository = ProjectRepository(uow.session)
    project = await repository.get(project_id, lock=lock)
    if project is None or not visible(project, actor):
        raise NotFound("project")
    vendors = [v.vendor_id for v in payload.vendors] if action is Action.RECORD_CONTRACT else []
    now = utc_now()
    plan = year = None
    if action is Action.START_CONSTRUCTION:  # R-PLN-1: the plan in force for the year construction starts in
        year = budget_year(now)
        plan = await PlanRepository(uow.session).in_force(project.jurisdiction, year)
    context = model.Context(major_threshold=major_threshold,
                            vendor_qualifications=await repository.vendor_qualifications(vendors),
                            construction_plan=plan, construction_year=year)
    updated, entry = model.decide(project, action, payload, actor=actor, now=now, context=context)
    await repository.save(project, updated, entry)  # raises ConcurrentUpdate if someone else saved first
    event = announcement(action, updated, entry, payload)
    if event is not None:
        await uow.emit(event, subject=updated.id)
    return updated


async def act(uow_factory: UowFactory, project_id: str, action: Action, actor: Identity, payload: Any = None, *,
              major_threshold: int, attempts: int = 3) -> model.Project:
    """Decide and commit. If another decision or another bureau's report saved the project meanwhile, decide
    again on the fresh record: the rules are re-checked, so a retry can only succeed if it is still allowed."""
    for _attempt in range(attempts):
        try:
            async with uow_factory() as uow:
                updated = await act_within(uow, project_id, action, actor, payload, major_threshold=major_threshold)
                await uow.commit()
                return updated
        except ConcurrentUpdate:
            continue
    raise refuse("CONFLICT", "the project keeps changing while you decide; reload it and try again", "id")


def new_change(plan: str, status) -> model.Change:
    return model.Change(change_id=f"CHG-{uuid.uuid4().hex[:8]}", plan=plan.strip(), status=status)
