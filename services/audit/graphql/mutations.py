"""The Audit Bureau's mutations. Resolvers are thin: build the command, run its handler, map the result or the
refusal. The department check lives in the domain (`domain/authority.py`); a wrong department is a FORBIDDEN
GraphQL error, a refusal by the rules a user error with the rule id, and nothing is written either way."""
from __future__ import annotations

import strawberry

from services.audit.domain.authority import AUTHORITY, Command
from services.audit.domain.engagement import FindingInput
from services.audit.domain.plan import CommitDraw
from services.audit.graphql import reads
from services.audit.graphql.types import (
    AuditEngagement,
    AuditFinding,
    AuditPlan,
    SamplingMethodEnum,
    StratificationEnum,
    ViolationTypeEnum,
    finding_type,
)
from services.audit.service_layer import engagements, plans
from shared.auth import Identity
from shared.graphql import Fen, Unauthenticated, UserError, decision, run_command


def _signed_in(info: strawberry.Info) -> Identity:
    identity = info.context.identity
    if identity.is_public:
        raise Unauthenticated("the Audit Bureau's decisions need a signed-in AUDIT_BUREAU caller")
    return identity


@strawberry.input(description="R-AUD-2: commit to the year's draw before its seed is known. Give exactly one of "
                              "seedCommitment or randomnessSource.")
class CommitAuditDrawInput:
    jurisdiction: str
    year: int
    proportion: str = strawberry.field(description="The share of the frame to draw, a decimal in (0, 1], e.g. "
                                                   "\"0.15\".")
    method: SamplingMethodEnum
    stratify_by: StratificationEnum = StratificationEnum.NONE
    seed_commitment: str | None = strawberry.field(default=None, description=(
        "SHA-256 (hex) of a secret seed the bureau reveals after the commitment."))
    randomness_source: str | None = strawberry.field(default=None, description=(
        "A public randomness value still to come, entered later as the seed, e.g. 'drand quicknet round "
        "12345678' or 'NIST beacon 2.0 chain 2 pulse 1234567'. The system never fetches it."))


@strawberry.input(description="R-FIN-4: an audit finding.")
class AuditFindingInput:
    violation_type: ViolationTypeEnum
    amount: Fen = strawberry.field(description="The funds concerned, in fen; above zero except for OTHER.")
    summary: str
    evidence: list[str] = strawberry.field(description="Working papers, vouchers, documents the finding rests on.")


@strawberry.type
class AuditPlanPayload:
    audit_plan: AuditPlan | None
    user_errors: list[UserError]


@strawberry.type
class AuditEngagementPayload:
    engagement: AuditEngagement | None
    user_errors: list[UserError]


@strawberry.type
class AuditFindingPayload:
    finding: AuditFinding | None
    engagement: AuditEngagement | None
    user_errors: list[UserError]


async def _plan(info: strawberry.Info, command) -> AuditPlanPayload:
    result, errors = await run_command(command)
    if result is None:
        return AuditPlanPayload(audit_plan=None, user_errors=errors)
    async with info.context.runtime.reads() as session:
        shown = await reads.plan_for_caller(session, result.plan, result.members, info.context.identity)
    return AuditPlanPayload(audit_plan=shown, user_errors=[])


async def _engagement(info: strawberry.Info, command) -> AuditEngagementPayload:
    result, errors = await run_command(command)
    if result is None:
        return AuditEngagementPayload(engagement=None, user_errors=errors)
    async with info.context.runtime.reads() as session:
        shown = await reads.engagement_for_caller(session, result, info.context.identity)
    return AuditEngagementPayload(engagement=shown, user_errors=[])


@strawberry.type
class Mutation:
    @decision(AUTHORITY[Command.COMMIT_DRAW],
              description="R-AUD-1/R-AUD-2: freeze the year's population (20M yuan and above in full; "
                          "the rest the frame) and publish the commitment. Emits audit.draw.committed.v1.")
    async def commit_audit_draw(self, info: strawberry.Info, input: CommitAuditDrawInput) -> AuditPlanPayload:
        command = CommitDraw(jurisdiction=input.jurisdiction, year=input.year, proportion=input.proportion,
                             method=input.method, stratify_by=input.stratify_by,
                             seed_commitment=input.seed_commitment, randomness_source=input.randomness_source)
        return await _plan(info, plans.commit_draw(info.context.runtime.uow, command, _signed_in(info)))

    @decision(AUTHORITY[Command.REVEAL_DRAW],
              description="R-AUD-2: reveal the seed; refused unless it matches the commitment. Draws and "
                          "emits audit.draw.revealed.v1.")
    async def reveal_audit_draw(self, info: strawberry.Info, plan_id: strawberry.ID, seed: str,
                                randomness_source: str | None = None) -> AuditPlanPayload:
        return await _plan(info, plans.reveal_draw(info.context.runtime.uow, str(plan_id), seed, randomness_source,
                                                   _signed_in(info)))

    @decision(AUTHORITY[Command.OPEN_ENGAGEMENT],
              description="Open the audit engagement of a project in its year's plan.")
    async def open_audit_engagement(self, info: strawberry.Info,
                                    project_id: strawberry.ID) -> AuditEngagementPayload:
        return await _engagement(info, engagements.open_engagement(info.context.runtime.uow, str(project_id),
                                                             _signed_in(info)))

    @decision(AUTHORITY[Command.START_FIELDWORK],
              description="Start an engagement's fieldwork (现场审计).")
    async def start_audit_fieldwork(self, info: strawberry.Info,
                                    engagement_id: strawberry.ID) -> AuditEngagementPayload:
        return await _engagement(info, engagements.start_fieldwork(info.context.runtime.uow, str(engagement_id),
                                                             _signed_in(info)))

    @decision(AUTHORITY[Command.PUBLISH_FINDING],
              description="R-FIN-4: publish a finding with its type, amount and evidence. Emits "
                          "audit.finding.published.v1, on which Finance acts.")
    async def publish_audit_finding(self, info: strawberry.Info, engagement_id: strawberry.ID,
                                    input: AuditFindingInput) -> AuditFindingPayload:
        finding = FindingInput(violation_type=input.violation_type, amount=input.amount, summary=input.summary,
                               evidence=tuple(input.evidence))
        result, errors = await run_command(engagements.publish_finding(
            info.context.runtime.uow, str(engagement_id), finding, _signed_in(info)))
        if result is None:
            return AuditFindingPayload(finding=None, engagement=None, user_errors=errors)
        engagement, published = result
        async with info.context.runtime.reads() as session:
            shown = await reads.engagement_for_caller(session, engagement, info.context.identity)
        return AuditFindingPayload(finding=finding_type(published, True), engagement=shown, user_errors=[])

    @decision(AUTHORITY[Command.CLOSE_ENGAGEMENT],
              description="Close an engagement with its conclusion (审计结论).")
    async def close_audit_engagement(self, info: strawberry.Info, engagement_id: strawberry.ID,
                                     conclusion: str) -> AuditEngagementPayload:
        return await _engagement(info, engagements.close_engagement(info.context.runtime.uow, str(engagement_id),
                                                              conclusion, _signed_in(info)))
