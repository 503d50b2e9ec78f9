"""Committing to the year's draw and revealing its seed (R-AUD-1, R-AUD-2)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from services.audit.adapters.plans import PlanRepository
from services.audit.adapters import orm
from services.audit.domain import plan as plan_rules
from services.audit.domain.authority import Command, authorize
from services.audit.domain.plan import AuditPlan, CommitDraw, PopulationMember
from services.audit.service_layer import UowFactory, in_unit_of_work
from shared.auth import Identity
from shared.clock import CHINA, budget_year, utc_now
from shared.errors import NotFound
from shared.events import AuditDrawCommitted, AuditDrawRevealed
from shared.trail_store import DecisionTrail
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class PlanView:
    plan: AuditPlan
    members: list[PopulationMember]


def end_of_year(year: int) -> datetime:
    """The first instant after the budget year `year` (Asia/Shanghai), in UTC."""
    return datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(timezone.utc)


async def commit_draw(uow_factory: UowFactory, command: CommitDraw, actor: Identity) -> PlanView:
    """Freeze the year's population and publish the commitment (announced as audit.draw.committed.v1)."""
    authorize(actor, Command.COMMIT_DRAW)

    async def work(uow: UnitOfWork) -> PlanView:
        repository = PlanRepository(uow.session)
        now = utc_now()
        plan_rules.check_scope(command.jurisdiction, command.year, budget_year(now))
        existing = await repository.plan_for(command.jurisdiction, command.year)
        if existing is not None:
            raise plan_rules.refuse_second_commit(existing)
        facts = await repository.unplanned_population(command.jurisdiction, end_of_year(command.year))
        plan, members, line = plan_rules.commit(command, facts, plan_id=str(uuid.uuid4()), actor=actor, now=now,
                                                current_year=budget_year(now))
        await repository.add(plan, members)
        await DecisionTrail(orm.trail, uow.session).append(line)
        c = plan.commitment
        await uow.emit(AuditDrawCommitted(
            draw_id=plan.id, jurisdiction=c.jurisdiction, year=c.year, proportion=c.proportion,
            method=c.method.value, stratify_by=c.stratify_by.value, frame_digest=c.frame_digest,
            frame_count=c.frame_count, frame_amount=c.frame_amount, commitment_kind=c.kind.value,
            seed_commitment=c.seed_sha256, randomness_source=c.randomness_source, commitment_digest=c.digest,
            committed_at=now), subject=plan.id)
        return PlanView(plan, members)

    return await in_unit_of_work(uow_factory, work, field="input")


async def reveal_draw(uow_factory: UowFactory, plan_id: str, seed: str, randomness_source: str | None,
                      actor: Identity) -> PlanView:
    """Check the seed against the commitment and draw (announced as audit.draw.revealed.v1)."""
    authorize(actor, Command.REVEAL_DRAW)

    async def work(uow: UnitOfWork) -> PlanView:
        repository = PlanRepository(uow.session)
        plan = await repository.get(plan_id)
        if plan is None:
            raise NotFound("audit plan", "planId")
        now = utc_now()
        updated, members, result, line = plan_rules.reveal(plan, await repository.members(plan_id), seed,
                                                           randomness_source, actor=actor, now=now)
        await repository.save_drawn(plan, updated, result.selected_ids)
        await DecisionTrail(orm.trail, uow.session).append(line)
        await uow.emit(AuditDrawRevealed(
            draw_id=plan.id, jurisdiction=plan.jurisdiction, year=plan.year, seed=updated.seed,
            selection_digest=updated.selection_digest, selected_count=updated.selected_count,
            selected_amount=updated.selected_amount, drawn_at=now), subject=plan.id)
        return PlanView(updated, members)

    return await in_unit_of_work(uow_factory, work, field="planId")
