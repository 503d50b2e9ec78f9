"""Per-request DataLoaders. The register loader applies need-to-know (shared.visibility, in its WHERE clause): a
project the caller may not see is loaded as None, and everything about it is loaded only through it, so a caller
without need to know gets null, never an error that would reveal the project exists."""
from __future__ import annotations

import strawberry
from sqlalchemy import select
from strawberry.dataloader import DataLoader

from services.audit.adapters.engagements import EngagementRepository
from services.audit.adapters.orm import register_entries
from services.audit.adapters.plans import PlanRepository
from services.audit.adapters.visibility import visible_to
from services.audit.domain.authority import may_read_evidence
from services.audit.domain.plan import PlanReason, PopulationRole
from services.audit.graphql.types import ProjectAudit, engagement_type, finding_type


def visible_register(info: strawberry.Info) -> DataLoader:
    context = info.context

    async def load(project_ids: list[str]) -> list[dict | None]:
        async with context.runtime.reads() as session:
            rows = (await session.execute(select(register_entries).where(
                register_entries.c.project_id.in_(project_ids),
                visible_to(context.identity, register_entries.c)))).mappings().all()
        found = {row["project_id"]: dict(row) for row in rows}
        return [found.get(i) for i in project_ids]

    return context.loader("audit_register", lambda: DataLoader(load))


def project_audit(info: strawberry.Info) -> DataLoader:
    context = info.context

    async def load(project_ids: list[str]) -> list[ProjectAudit | None]:
        visible = [row["project_id"] for row in await visible_register(info).load_many(project_ids) if row]
        if not visible:
            return [None] * len(project_ids)
        async with context.runtime.reads() as session:
            plans = PlanRepository(session)
            members = await plans.members_of_projects(visible)
            plans_by_id = await plans.plans_by_ids(sorted({m.plan_id for m in members.values()}))
            engagements = EngagementRepository(session)
            engaged = await engagements.of_projects(list(members))
            findings = await engagements.findings_of_projects(list(members))
        evidence = may_read_evidence(context.identity)
        found = {}
        for project_id, member in members.items():
            plan, engagement = plans_by_id[member.plan_id], engaged.get(project_id)
            shown = [finding_type(f, evidence) for f in findings.get(project_id, [])]
            found[project_id] = ProjectAudit(
                year=plan.year, plan_id=strawberry.ID(plan.id),
                draw_id=strawberry.ID(plan.id) if member.role is PopulationRole.FRAME else None,
                in_plan=member.reason in (PlanReason.THRESHOLD, PlanReason.CLASSIFIED, PlanReason.SAMPLED),
                reason=member.reason, engagement_status=engagement.status if engagement else None,
                engagement=engagement_type(engagement, shown) if engagement else None, findings=shown)
        return [found.get(i) for i in project_ids]

    return context.loader("audit_project", lambda: DataLoader(load))
