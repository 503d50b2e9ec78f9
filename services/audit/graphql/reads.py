"""Reading plans and engagements for a caller: what they may see of each, built into GraphQL types."""
from __future__ import annotations

from sqlalchemy import select

from services.audit.adapters.engagements import EngagementRepository
from services.audit.adapters.orm import register_entries
from services.audit.domain.authority import may_read_evidence
from services.audit.domain.engagement import Engagement, EngagementStatus
from services.audit.domain.plan import AuditPlan as PlanModel
from services.audit.domain.plan import PlanStatus, PopulationMember, PopulationRole
from services.audit.domain.sampling.document import build_document
from services.audit.domain.sampling.methods import parse_proportion
from services.audit.domain.sampling.report import reconcile
from services.audit.graphql import types
from shared.auth import Identity
from shared.visibility import can_see_project


async def classified_among(session, project_ids) -> set[str]:
    """Projects the register now knows as classified (a decision may have come after the population froze)."""
    found: set[str] = set()
    for start in range(0, len(project_ids), 1000):
        chunk = list(project_ids[start:start + 1000])
        found |= set((await session.execute(select(register_entries.c.project_id).where(
            register_entries.c.project_id.in_(chunk), register_entries.c.classified.is_(True)))).scalars())
    return found


async def plan_for_caller(session, plan: PlanModel, members: list[PopulationMember],
                          identity: Identity) -> types.AuditPlan:
    classified_now = await classified_among(session, [m.project_id for m in members])

    def visible(member: PopulationMember) -> bool:
        return can_see_project(identity, unit_path=member.unit_path,
                               classified=member.classified or member.project_id in classified_now)

    shown = [m for m in members if visible(m)]
    frame = [m.frame_item() for m in shown if m.role is PopulationRole.FRAME]
    drawn = plan.status is PlanStatus.DRAWN
    proportion, _ = parse_proportion(plan.commitment.proportion)
    report = reconcile(certainty=[m.amount for m in shown if m.role is PopulationRole.CERTAINTY],
                       classified_in_full=[m.amount for m in shown if m.role is PopulationRole.CLASSIFIED],
                       frame=frame, proportion=proportion, stratify_by=plan.commitment.stratify_by,
                       selected_ids={m.project_id for m in shown if m.in_plan} if drawn else None)
    document = None
    whole_frame = [m for m in members if m.role is PopulationRole.FRAME]
    if all(visible(m) for m in whole_frame):  # the published frame, whole, or not at all
        document = build_document(plan.commitment, [m.frame_item() for m in whole_frame], seed=plan.seed,
                                  randomness_source=plan.randomness_source,
                                  selected_ids=[m.project_id for m in whole_frame if m.in_plan] if drawn else None)
    return types.plan_type(plan, shown, report, document)


async def engagements_for_caller(session, status: EngagementStatus | None, limit: int,
                                 identity: Identity) -> list[types.AuditEngagement]:
    repository = EngagementRepository(session)
    found: list[Engagement] = await repository.list(status, limit, seen_by=identity)
    findings = await repository.findings_of_projects([e.project_id for e in found]) if found else {}
    evidence = may_read_evidence(identity)
    return [types.engagement_type(e, [types.finding_type(f, evidence) for f in findings.get(e.project_id, [])])
            for e in found]


async def engagement_for_caller(session, engagement: Engagement, identity: Identity) -> types.AuditEngagement:
    found = await EngagementRepository(session).findings_of_projects([engagement.project_id])
    findings = found[engagement.project_id]
    evidence = may_read_evidence(identity)
    return types.engagement_type(engagement, [types.finding_type(f, evidence) for f in findings])
