"""Engagements of the planned projects and their findings; a finding is announced as audit.finding.published.v1,
on which Finance acts (R-FIN-4)."""
from __future__ import annotations

import uuid

from services.audit.adapters.engagements import EngagementRepository
from services.audit.adapters.plans import PlanRepository
from services.audit.adapters import orm
from services.audit.domain import engagement as rules
from services.audit.domain.authority import Command, authorize
from services.audit.domain.engagement import Engagement, Finding, FindingInput
from services.audit.service_layer import UowFactory, in_unit_of_work
from shared.auth import Identity
from shared.clock import utc_now
from shared.errors import NotFound
from shared.events import AuditFindingPublished
from shared.trail_store import DecisionTrail
from shared.uow import UnitOfWork

# An event leaves the secrecy boundary (R-SEC-2): a classified project's finding travels without its text.
CLASSIFIED_SUMMARY = "classified project: the finding's text stays with the Audit Bureau"


async def _engagement(repository: EngagementRepository, engagement_id: str) -> Engagement:
    engagement = await repository.get(engagement_id)
    if engagement is None:
        raise NotFound("engagement", "engagementId")
    return engagement


async def open_engagement(uow_factory: UowFactory, project_id: str, actor: Identity) -> Engagement:
    authorize(actor, Command.OPEN_ENGAGEMENT)

    async def work(uow: UnitOfWork) -> Engagement:
        plans, repository = PlanRepository(uow.session), EngagementRepository(uow.session)
        member = (await plans.members_of_projects([project_id])).get(project_id)
        plan = await plans.get(member.plan_id) if member else None
        existing = (await repository.of_projects([project_id])).get(project_id)
        engagement, line = rules.open_engagement(member, plan, existing, engagement_id=str(uuid.uuid4()),
                                                 actor=actor, now=utc_now())
        await repository.add(engagement)
        await DecisionTrail(orm.trail, uow.session).append(line)
        return engagement

    return await in_unit_of_work(uow_factory, work, field="projectId")


async def _step(uow_factory: UowFactory, engagement_id: str, decide) -> Engagement:
    async def work(uow: UnitOfWork) -> Engagement:
        repository = EngagementRepository(uow.session)
        engagement = await _engagement(repository, engagement_id)
        updated, line = decide(engagement, utc_now())
        await repository.save(engagement, updated)
        await DecisionTrail(orm.trail, uow.session).append(line)
        return updated

    return await in_unit_of_work(uow_factory, work, field="engagementId")


async def start_fieldwork(uow_factory: UowFactory, engagement_id: str, actor: Identity) -> Engagement:
    authorize(actor, Command.START_FIELDWORK)
    return await _step(uow_factory, engagement_id, lambda e, now: rules.start_fieldwork(e, actor=actor, now=now))


async def close_engagement(uow_factory: UowFactory, engagement_id: str, conclusion: str,
                           actor: Identity) -> Engagement:
    authorize(actor, Command.CLOSE_ENGAGEMENT)
    return await _step(uow_factory, engagement_id,
                       lambda e, now: rules.close_engagement(e, conclusion, actor=actor, now=now))


async def publish_finding(uow_factory: UowFactory, engagement_id: str, finding: FindingInput,
                          actor: Identity) -> tuple[Engagement, Finding]:
    authorize(actor, Command.PUBLISH_FINDING)

    async def work(uow: UnitOfWork) -> tuple[Engagement, Finding]:
        repository = EngagementRepository(uow.session)
        engagement = await _engagement(repository, engagement_id)
        now = utc_now()
        updated, published, line = rules.publish_finding(engagement, finding, finding_id=str(uuid.uuid4()),
                                                         actor=actor, now=now)
        await repository.save(engagement, updated)
        await repository.add_finding(published)
        await DecisionTrail(orm.trail, uow.session).append(line)
        await uow.emit(AuditFindingPublished(
            finding_id=published.id, engagement_id=engagement.id, project_id=engagement.project_id,
            violation_type=published.violation_type, amount=published.amount,
            summary=CLASSIFIED_SUMMARY if engagement.classified else published.summary, published_at=now),
            subject=engagement.project_id)
        return updated, published

    return await in_unit_of_work(uow_factory, work, field="engagementId")
