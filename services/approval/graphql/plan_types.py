"""The construction plan as the caller may see it (R-PLN-1, R-SEC-2): an item of a project the caller may not see
keeps its planned amount (the plan's total counts it) and shows neither the project's id, code, name nor note."""
from __future__ import annotations

from datetime import date, datetime

import strawberry

from services.approval.adapters.plans import PlanRepository
from services.approval.domain import construction_plan as plan
from services.approval.domain.plan_lifecycle import PlanStatus
from services.approval.graphql.types import project_loader
from shared.graphql import Fen

PlanStatusEnum = strawberry.enum(PlanStatus, name="ConstructionPlanStatus", description=(
    "R-PLN-1: DRAFT (the Approval Bureau drafts), SUBMITTED (with the Leading Group for review), REVIEWED (passed "
    "on to the city government), APPROVED (approved by the city government)."))


@strawberry.type(description="A project in a version of the plan, with the amount planned for it in the plan's "
                             "year. A project you may not see (R-SEC-2) shows its amount only.")
class ConstructionPlanItem:
    project_id: strawberry.ID | None
    code: str | None
    name: str | None
    planned_amount: Fen
    note: str | None
    withheld: bool = strawberry.field(description="The project is withheld from you by need to know (R-SEC-2).")


@strawberry.type(description="A return of the plan to the Approval Bureau: by whom, when, and why.")
class ConstructionPlanReturn:
    department: str
    at: datetime
    reasons: list[str]


@strawberry.type(description="One decision on a version of the plan: who, when, what, why (R-OVS-1).")
class ConstructionPlanDecision:
    at: datetime
    action: str
    version: int
    from_status: PlanStatusEnum | None
    to_status: PlanStatusEnum
    department: str
    unit: str | None
    subject: str
    reasons: list[str]
    detail: str
    project_id: strawberry.ID | None = strawberry.field(
        description="The project an item edit concerns; null if none, or if you may not see it.")


@strawberry.type(description="One version of the plan: version 1, then one per amendment. An approved version is "
                             "never changed; the version in force is the latest approved one.")
class ConstructionPlanVersion:
    id: strawberry.ID
    number: int
    status: PlanStatusEnum
    in_force: bool
    items: list[ConstructionPlanItem]
    total: Fen = strawberry.field(description="Every item's planned amount, withheld ones included.")
    amendment_reason: str | None
    drafted_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_opinion: str | None
    returns: list[ConstructionPlanReturn]
    approved_on: date | None = strawberry.field(description="The date of the city government's decision.")
    document_number: str | None = strawberry.field(description="The document number (文号) of that decision.")
    approved_at: datetime | None
    decisions: list[ConstructionPlanDecision]


@strawberry.type(description="The annual smart-city construction plan (年度智慧城市建设计划) of a jurisdiction and "
                             "year (R-PLN-1), with every version.")
class ConstructionPlan:
    jurisdiction: str
    year: int
    status: PlanStatusEnum = strawberry.field(description="The status of the latest version.")
    version_in_force: ConstructionPlanVersion | None
    versions: list[ConstructionPlanVersion]


async def plan_view(info: strawberry.Info, versions: list[plan.PlanVersion]) -> ConstructionPlan:
    return (await plan_views(info, [versions]))[0]


async def plan_views(info: strawberry.Info, plans: list[list[plan.PlanVersion]]) -> list[ConstructionPlan]:
    """The plans as the caller may see them: their history and their projects read once for all of them."""
    every_version = [v for versions in plans for v in versions]
    ids = list(dict.fromkeys(item.project_id for version in every_version for item in version.items))
    async with info.context.runtime.reads() as session:
        history = await PlanRepository(session).history_of([v.id for v in every_version])
    decided = {e.project_id for entries in history.values() for e in entries if e.project_id}
    ids += [i for i in decided if i not in ids]
    seen = dict(zip(ids, await project_loader(info).load_many(ids), strict=True))  # None: not visible to the caller
    return [_plan_view(versions, history, seen) for versions in plans]


def _plan_view(versions: list[plan.PlanVersion], history: dict, seen: dict) -> ConstructionPlan:
    current = plan.in_force(versions)

    def item(i: plan.PlanItem) -> ConstructionPlanItem:
        project = seen.get(i.project_id)
        if project is None:
            return ConstructionPlanItem(project_id=None, code=None, name=None, planned_amount=i.planned_amount,
                                        note=None, withheld=True)
        return ConstructionPlanItem(project_id=strawberry.ID(project.id), code=project.code, name=project.name,
                                    planned_amount=i.planned_amount, note=i.note, withheld=False)

    def decision(e: plan.PlanDecision) -> ConstructionPlanDecision:
        hidden = e.project_id is not None and seen.get(e.project_id) is None
        shown = None if hidden else e.project_id
        return ConstructionPlanDecision(at=e.at, action=e.action, version=e.version, from_status=e.from_status,
                                        to_status=e.to_status, department=e.department, unit=e.unit,
                                        subject=e.subject, reasons=[] if hidden else list(e.reasons),
                                        detail="" if hidden else e.detail,  # the text may name the item's amount
                                        project_id=strawberry.ID(shown) if shown else None)

    def version(v: plan.PlanVersion) -> ConstructionPlanVersion:
        return ConstructionPlanVersion(
            id=strawberry.ID(v.id), number=v.number, status=v.status, in_force=current is not None and current.id == v.id,
            items=[item(i) for i in v.items], total=v.total, amendment_reason=v.amendment_reason,
            drafted_at=v.drafted_at, submitted_at=v.submitted_at, reviewed_at=v.reviewed_at,
            review_opinion=v.review_opinion,
            returns=[ConstructionPlanReturn(department=r.department, at=r.at, reasons=list(r.reasons))
                     for r in v.returns],
            approved_on=v.approved_on, document_number=v.document_number, approved_at=v.approved_at,
            decisions=[decision(e) for e in history[v.id]])

    shown = [version(v) for v in versions]
    return ConstructionPlan(jurisdiction=versions[-1].jurisdiction, year=versions[-1].year,
                            status=versions[-1].status,
                            version_in_force=next((s for s in shown if s.in_force), None), versions=shown)
