"""The audit subgraph: contributes the Audit Bureau's register entry and audit status to the federated `Project`,
and serves the annual plans with their draws, the engagements and the decision trail."""
from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import select

from services.audit.adapters import orm
from services.audit.adapters.orm import register_entries
from services.audit.adapters.plans import PlanRepository
from services.audit.domain.authority import PLAN_READERS
from services.audit.domain.register import in_certainty_scope
from services.audit.graphql import loaders, reads
from services.audit.graphql.mutations import Mutation
from services.audit.graphql.published import PublishedProject
from services.audit.graphql.work import WorkQueue
from services.audit.graphql.types import (
    AuditEngagement,
    AuditPlan,
    EngagementStatusEnum,
    ProjectAudit,
)
from shared.auth import Department
from shared.clock import as_utc
from shared.graphql import Fen, restricted, subgraph_schema
from shared.trail_graphql import trail_fields


def _limit(first: int, ceiling: int = 1000) -> int:
    return max(1, min(first, ceiling))


@strawberry.type(description="The Audit Bureau's record of a project, fed by the approval service's events.")
class AuditRegisterEntry:
    project_id: strawberry.ID
    code: str
    unit_id: str
    kind: str
    jurisdiction: str
    investment: Fen
    approved_at: datetime
    accepted_at: datetime | None = strawberry.field(description="R-AUD-3: when the project passed completion "
                                                                "acceptance and was sent to the Audit Bureau.")
    settlement_amount: Fen | None = strawberry.field(description="R-FIN-6: the amount of Finance's settlement "
                                                                 "review (结决算评审), once reported.")
    in_certainty_scope: bool = strawberry.field(
        description="R-AUD-1: investment of 20M yuan or more; the project enters the annual audit plan in full.")


def _entry(row) -> AuditRegisterEntry:
    return AuditRegisterEntry(project_id=strawberry.ID(row["project_id"]), code=row["code"], unit_id=row["unit_id"],
                              kind=row["kind"], jurisdiction=row["jurisdiction"], investment=row["investment"],
                              approved_at=as_utc(row["approved_at"]),
                              accepted_at=as_utc(row["accepted_at"]) if row["accepted_at"] else None,
                              settlement_amount=row["settlement_amount"],
                              in_certainty_scope=in_certainty_scope(row["investment"]))


@strawberry.federation.type(keys=["id"])
class Project:
    id: strawberry.ID

    @strawberry.field(description="The Audit Bureau's register entry for the project, once it is approved.")
    async def audit_register(self, info: strawberry.Info) -> AuditRegisterEntry | None:
        row = await loaders.visible_register(info).load(str(self.id))
        return _entry(row) if row else None

    @strawberry.field(description="The project in its year's audit plan: in plan or not and why, the draw, the "
                                  "engagement and its findings; null until a plan's population holds it.")
    async def audit(self, info: strawberry.Info) -> ProjectAudit | None:
        return await loaders.project_audit(info).load(str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Project":
        return cls(id=id)


@strawberry.type
class Query:
    @restricted([Department.AUDIT_BUREAU], action="reading the audit register",
                description="The Audit Bureau's project register of a jurisdiction.")
    async def audit_register(self, info: strawberry.Info, jurisdiction: str = "CITY",
                             first: int = 100) -> list[AuditRegisterEntry]:
        async with info.context.runtime.reads() as session:
            rows = (await session.execute(
                select(register_entries).where(register_entries.c.jurisdiction == jurisdiction)
                .order_by(register_entries.c.code).limit(_limit(first)))).mappings().all()
        return [_entry(row) for row in rows]

    @restricted(PLAN_READERS, action="reading the annual audit plans",
                description="R-AUD-1/R-AUD-2: the annual audit plan of a jurisdiction and year, with its "
                            "published draw.")
    async def audit_plan(self, info: strawberry.Info, jurisdiction: str, year: int) -> AuditPlan | None:
        identity = info.context.identity
        async with info.context.runtime.reads() as session:
            repository = PlanRepository(session)
            plan = await repository.plan_for(jurisdiction, year)
            if plan is None:
                return None
            return await reads.plan_for_caller(session, plan, await repository.members(plan.id), identity)

    @restricted(PLAN_READERS, action="reading the annual audit plans",
                description="The annual audit plans, latest year first.")
    async def audit_plans(self, info: strawberry.Info, jurisdiction: str | None = None, year: int | None = None,
                          first: int = 20) -> list[AuditPlan]:
        identity = info.context.identity
        async with info.context.runtime.reads() as session:
            repository = PlanRepository(session)
            return [await reads.plan_for_caller(session, plan, await repository.members(plan.id), identity)
                    for plan in await repository.list(jurisdiction, year, _limit(first, 100))]

    @restricted(PLAN_READERS, action="reading the audit engagements",
                description="Audit engagements, oldest first.")
    async def audit_engagements(self, info: strawberry.Info, status: EngagementStatusEnum | None = None,
                                first: int = 100) -> list[AuditEngagement]:
        async with info.context.runtime.reads() as session:
            return await reads.engagements_for_caller(session, status, _limit(first), info.context.identity)

    audit_trail, audit_trail_verification = trail_fields("audit", Department.AUDIT_BUREAU, orm.trail,
                                                          reads.classified_among)


def create_schema() -> strawberry.federation.Schema:
    return subgraph_schema(query=Query, mutation=Mutation, types=[Project, PublishedProject, WorkQueue])
