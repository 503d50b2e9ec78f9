"""The Audit Bureau's part of the public's window (R-PUB-1): a published project's membership of its year's audit
plan (R-AUD-1, R-AUD-2), contributed to the approval service's `PublishedProject`.

Public-safe by itself, whoever asks and however (through the gateway or this subgraph directly): the query reads a
membership only for a project the register knows as not classified (R-SEC-2) and that the Approval Bureau has not
withheld (its events, `audit_publicity`); any other id is answered as one with no plan, from the same query.
"""
from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import and_, select
from strawberry.dataloader import DataLoader

from services.audit.adapters.orm import plans, population, publicity, register_entries
from services.audit.adapters.plans import _chunks, member_from_row
from services.audit.domain.plan import PlanReason, PlanStatus, PopulationRole
from services.audit.graphql.types import PlanReasonEnum, PlanStatusEnum
from shared.clock import as_utc


@strawberry.type(description="R-AUD-1, R-AUD-2: a published project in its year's audit plan: all of 20M yuan or "
                             "more are in it (THRESHOLD), the rest are drawn from the published frame (SAMPLED or "
                             "NOT_SELECTED; AWAITING_DRAW until the seed is revealed).")
class PublishedAuditPlanMembership:
    year: int
    jurisdiction: str
    plan_id: strawberry.ID = strawberry.field(description="The plan, also its draw's id.")
    plan_status: PlanStatusEnum
    reason: PlanReasonEnum
    in_plan: bool | None = strawberry.field(description="Null while the draw awaits its seed.")
    drawn_at: datetime | None


def public_memberships(info: strawberry.Info) -> DataLoader:
    context = info.context

    async def load(project_ids: list[str]) -> list[PublishedAuditPlanMembership | None]:
        found: dict[str, PublishedAuditPlanMembership] = {}
        async with context.runtime.reads() as session:
            for chunk in _chunks(list(project_ids)):
                rows = (await session.execute(
                    select(population, plans.c.jurisdiction, plans.c.year, plans.c.status.label("plan_status"),
                           plans.c.drawn_at)
                    .join(plans, plans.c.id == population.c.plan_id)
                    .join(register_entries, and_(register_entries.c.project_id == population.c.project_id,
                                                 register_entries.c.classified.is_(False)))
                    .outerjoin(publicity, and_(publicity.c.project_id == population.c.project_id,
                                               publicity.c.withheld.is_(True)))
                    .where(population.c.project_id.in_(chunk), population.c.classified.is_(False),
                           population.c.role != PopulationRole.CLASSIFIED.value, publicity.c.project_id.is_(None))
                )).mappings().all()
                for row in rows:
                    member = member_from_row(row)
                    reason = member.reason
                    found[member.project_id] = PublishedAuditPlanMembership(
                        year=row["year"], jurisdiction=row["jurisdiction"], plan_id=strawberry.ID(member.plan_id),
                        plan_status=PlanStatus(row["plan_status"]), reason=reason,
                        in_plan=None if reason is PlanReason.AWAITING_DRAW else reason in (
                            PlanReason.THRESHOLD, PlanReason.SAMPLED),
                        drawn_at=as_utc(row["drawn_at"]) if row["drawn_at"] else None)
        return [found.get(i) for i in project_ids]

    return context.loader("public_audit_memberships", lambda: DataLoader(load))


@strawberry.federation.type(keys=["id"])
class PublishedProject:
    id: strawberry.ID

    @strawberry.field(description="R-AUD-1, R-AUD-2: the project in its year's audit plan; null until a plan's "
                                  "population holds it.")
    async def audit_plan(self, info: strawberry.Info) -> PublishedAuditPlanMembership | None:
        return await public_memberships(info).load(str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "PublishedProject":
        return cls(id=id)
