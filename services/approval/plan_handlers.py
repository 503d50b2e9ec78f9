"""The construction plan's commands (R-PLN-1), each in one unit of work: the version, its history line and its
event commit together."""
from __future__ import annotations

import inspect
import uuid
from typing import Any

from services.approval.adapters.plans import PlanRepository
from services.approval.adapters.repository import ConcurrentUpdate, ProjectRepository
from services.approval.domain import construction_plan as plan
from services.approval.domain.plan_lifecycle import PlanAction
from services.approval.handlers import UowFactory, visible
from shared.auth import Identity
from shared.clock import utc_now
from shared.errors import refuse
from shared.events import (
    ConstructionPlanApproved, ConstructionPlanItem, ConstructionPlanReturned, ConstructionPlanReviewed,
    ConstructionPlanSubmitted,
)
from shared.events.envelope import EventPayload
from shared.uow import UnitOfWork


def _announcement(action: PlanAction, versions: list[plan.PlanVersion], version: plan.PlanVersion,
                  entry: plan.PlanDecision) -> EventPayload | None:
    common = dict(plan_version_id=version.id, jurisdiction=version.jurisdiction, year=version.year,
                  version=version.number, total=version.total)
    if action is PlanAction.SUBMIT_FOR_REVIEW:
        return ConstructionPlanSubmitted(**common, submitted_at=entry.at)
    if action is PlanAction.PASS_REVIEW:
        return ConstructionPlanReviewed(**common, reviewed_at=entry.at)
    if action in (PlanAction.RETURN_FROM_REVIEW, PlanAction.RETURN_FROM_APPROVAL):
        return ConstructionPlanReturned(**common, returned_by=entry.department, reasons=list(entry.reasons),
                                        returned_at=entry.at)
    if action is PlanAction.APPROVE:
        superseded = plan.in_force(versions)
        return ConstructionPlanApproved(
            **common, items=[ConstructionPlanItem(project_id=i.project_id, planned_amount=i.planned_amount)
                             for i in version.items],
            approved_on=version.approved_on, document_number=version.document_number, approved_at=entry.at,
            supersedes_version=superseded.number if superseded else None)
    return None


async def _project(uow: UnitOfWork, project_id: str, actor: Identity) -> plan.PlannedProject | None:
    project = await ProjectRepository(uow.session).get(project_id)
    if project is None or not visible(project, actor):
        return None
    return plan.PlannedProject(id=project.id, jurisdiction=project.jurisdiction, status=project.status.value,
                               investment=project.investment)


async def decide_plan(uow_factory: UowFactory, jurisdiction: str, year: int, action: PlanAction, actor: Identity,
                      payload: Any = None, *, attempts: int = 3) -> list[plan.PlanVersion]:
    """Take `action` on the jurisdiction's plan for the year and commit; returns the plan's versions after it. If
    someone saved the plan meanwhile, decide again on the fresh versions (the rules are checked again)."""
    plan.check_department(action, actor.department)
    for _attempt in range(attempts):
        try:
            async with uow_factory() as uow:
                plans = PlanRepository(uow.session)
                versions = await plans.versions(jurisdiction, year, lock=True)  # concurrent edits queue up
                given = payload(uow) if callable(payload) else payload  # a function reads what it needs
                if inspect.isawaitable(given):
                    given = await given
                version, entry = plan.decide(versions, action, given, department=actor.department,
                                             unit=actor.unit, subject=actor.subject, now=utc_now())
                before = versions[-1] if versions else None
                await plans.save(before, version, entry)  # ConcurrentUpdate if someone saved first
                event = _announcement(action, versions, version, entry)
                if event is not None:
                    # The plan is the subject: its decisions reach consumers in the order they were taken.
                    await uow.emit(event, subject=f"construction-plan:{jurisdiction}:{year}")
                await uow.commit()
                return [v for v in versions if v.id != version.id] + [version]
        except ConcurrentUpdate:
            continue
    raise refuse("CONFLICT", "the plan keeps changing while you decide; reload it and try again", "year")


async def draft(uow_factory: UowFactory, jurisdiction: str, year: int, actor: Identity):
    return await decide_plan(uow_factory, jurisdiction, year, PlanAction.DRAFT, actor,
                             lambda _uow: plan.Draft(jurisdiction=jurisdiction, year=year,
                                                     version_id=str(uuid.uuid4())))


async def draft_amendment(uow_factory: UowFactory, jurisdiction: str, year: int, reason: str, actor: Identity):
    return await decide_plan(uow_factory, jurisdiction, year, PlanAction.DRAFT_AMENDMENT, actor,
                             lambda _uow: plan.Amendment(reason=reason, version_id=str(uuid.uuid4())))


async def add_item(uow_factory: UowFactory, jurisdiction: str, year: int, project_id: str, planned_amount: int,
                   note: str | None, actor: Identity):
    async def item(uow: UnitOfWork) -> plan.NewItem:
        return plan.NewItem(project=await _project(uow, project_id, actor), planned_amount=planned_amount, note=note)

    return await decide_plan(uow_factory, jurisdiction, year, PlanAction.ADD_ITEM, actor, item)


async def act(uow_factory: UowFactory, jurisdiction: str, year: int, action: PlanAction, actor: Identity,
              payload: Any = None):
    """The actions whose payload is given as it is: removing an item, submitting, reviewing, approving, returning."""
    return await decide_plan(uow_factory, jurisdiction, year, action, actor, payload)
