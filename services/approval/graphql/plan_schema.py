"""The construction plan's queries and mutations (R-PLN-1). Resolvers are thin: run the command, map the result."""
from __future__ import annotations

from datetime import date

import strawberry

from services.approval import plan_handlers
from services.approval.adapters.plans import PlanRepository
from services.approval.domain import construction_plan as plan
from services.approval.domain.plan_lifecycle import TRANSITIONS, PlanAction
from services.approval.graphql.plan_types import ConstructionPlan, plan_view, plan_views
from shared.graphql import Fen, Unauthenticated, UserError, decision, restricted, run_command
from shared.visibility import OVERSIGHT, WORKFLOW_BUREAUS

# The bureaus, the Leading Group, the city government and the supervisory commission read the plans; a classified
# item's project only with need to know (shared.visibility).
PLAN_READERS = tuple(sorted(WORKFLOW_BUREAUS | OVERSIGHT, key=lambda d: d.value))


@strawberry.type
class ConstructionPlanPayload:
    plan: ConstructionPlan | None
    user_errors: list[UserError]


async def _run(info: strawberry.Info, action: PlanAction, command) -> ConstructionPlanPayload:
    if info.context.identity.is_public:
        command.close()
        raise Unauthenticated(f"{action.value.lower().replace('_', ' ')} of a construction plan needs a signed-in "
                              f"caller")
    versions, errors = await run_command(command)
    return ConstructionPlanPayload(plan=await plan_view(info, versions) if versions else None, user_errors=errors)


def _departments(action: PlanAction):
    return TRANSITIONS[action].departments


@strawberry.type
class PlanQuery:
    @restricted(PLAN_READERS, action="reading construction plans",
                description="R-PLN-1: the construction plan of a jurisdiction and year, with every version.")
    async def construction_plan(self, info: strawberry.Info, jurisdiction: str, year: int) -> ConstructionPlan | None:
        async with info.context.runtime.reads() as session:
            versions = await PlanRepository(session).versions(jurisdiction, year)
        return await plan_view(info, versions) if versions else None

    @restricted(PLAN_READERS, action="reading construction plans",
                description="R-PLN-1: construction plans by year and jurisdiction (at most 200).")
    async def construction_plans(self, info: strawberry.Info, year: int | None = None,
                                 jurisdiction: str | None = None) -> list[ConstructionPlan]:
        async with info.context.runtime.reads() as session:
            found = await PlanRepository(session).plans(jurisdiction=jurisdiction, year=year)
        return await plan_views(info, found)


@strawberry.type
class PlanMutation:
    @decision(_departments(PlanAction.DRAFT),
              description="R-PLN-1: the Approval Bureau drafts the year's construction plan of a jurisdiction "
                          "(version 1), for this year or the next.")
    async def draft_construction_plan(self, info: strawberry.Info, jurisdiction: str,
                                      year: int) -> ConstructionPlanPayload:
        return await _run(info, PlanAction.DRAFT, plan_handlers.draft(
            info.context.runtime.uow, jurisdiction, year, info.context.identity))

    @decision(_departments(PlanAction.DRAFT_AMENDMENT),
              description="R-PLN-1: the Approval Bureau drafts an amendment of the approved plan: a new version, "
                          "starting from the version in force, that takes the same path.")
    async def draft_construction_plan_amendment(self, info: strawberry.Info, jurisdiction: str, year: int,
                                                reason: str) -> ConstructionPlanPayload:
        return await _run(info, PlanAction.DRAFT_AMENDMENT, plan_handlers.draft_amendment(
            info.context.runtime.uow, jurisdiction, year, reason, info.context.identity))

    @decision(_departments(PlanAction.ADD_ITEM),
              description="R-PLN-1: the Approval Bureau puts an approved project of the jurisdiction in the draft, "
                          "with the amount planned for it in the year (fen).")
    async def add_construction_plan_item(self, info: strawberry.Info, jurisdiction: str, year: int,
                                         project_id: strawberry.ID, planned_amount: Fen,
                                         note: str | None = None) -> ConstructionPlanPayload:
        return await _run(info, PlanAction.ADD_ITEM, plan_handlers.add_item(
            info.context.runtime.uow, jurisdiction, year, str(project_id), planned_amount, note,
            info.context.identity))

    @decision(_departments(PlanAction.REMOVE_ITEM),
              description="R-PLN-1: the Approval Bureau takes a project out of the draft.")
    async def remove_construction_plan_item(self, info: strawberry.Info, jurisdiction: str, year: int,
                                            project_id: strawberry.ID) -> ConstructionPlanPayload:
        return await _act(info, jurisdiction, year, PlanAction.REMOVE_ITEM, str(project_id))

    @decision(_departments(PlanAction.SUBMIT_FOR_REVIEW),
              description="R-PLN-1: the Approval Bureau submits the draft to the Leading Group for review.")
    async def submit_construction_plan_for_review(self, info: strawberry.Info, jurisdiction: str,
                                                  year: int) -> ConstructionPlanPayload:
        return await _act(info, jurisdiction, year, PlanAction.SUBMIT_FOR_REVIEW)

    @decision(_departments(PlanAction.PASS_REVIEW),
              description="R-PLN-1: the Leading Group reviews the plan and passes it on to the city government.")
    async def pass_construction_plan_review(self, info: strawberry.Info, jurisdiction: str, year: int,
                                            opinion: str | None = None) -> ConstructionPlanPayload:
        return await _act(info, jurisdiction, year, PlanAction.PASS_REVIEW, opinion)

    @decision(_departments(PlanAction.RETURN_FROM_REVIEW),
              description="R-PLN-1: the Leading Group returns the plan to the Approval Bureau, with its reasons.")
    async def return_construction_plan_from_review(self, info: strawberry.Info, jurisdiction: str, year: int,
                                                   reasons: list[str]) -> ConstructionPlanPayload:
        return await _act(info, jurisdiction, year, PlanAction.RETURN_FROM_REVIEW, tuple(reasons))

    @decision(_departments(PlanAction.APPROVE),
              description="R-PLN-1: the city government approves the reviewed plan, with the date and document "
                          "number (文号) of its decision; from then on it is carried out.")
    async def approve_construction_plan(self, info: strawberry.Info, jurisdiction: str, year: int, approved_on: date,
                                        document_number: str) -> ConstructionPlanPayload:
        return await _act(info, jurisdiction, year, PlanAction.APPROVE,
                          plan.Approval(approved_on=approved_on, document_number=document_number))

    @decision(_departments(PlanAction.RETURN_FROM_APPROVAL),
              description="R-PLN-1: the city government returns the reviewed plan to the Approval Bureau, with its "
                          "reasons; it is reviewed again after revision.")
    async def return_construction_plan_from_approval(self, info: strawberry.Info, jurisdiction: str, year: int,
                                                     reasons: list[str]) -> ConstructionPlanPayload:
        return await _act(info, jurisdiction, year, PlanAction.RETURN_FROM_APPROVAL, tuple(reasons))


async def _act(info: strawberry.Info, jurisdiction: str, year: int, action: PlanAction,
               payload=None) -> ConstructionPlanPayload:
    return await _run(info, action, plan_handlers.act(info.context.runtime.uow, jurisdiction, year, action,
                                                      info.context.identity, payload))
