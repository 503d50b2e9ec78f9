"""The audit subgraph's types and their mapping from the domain. Project-bound values are built only for callers
who may see the project (see `loaders.py`), so nested fields need no second check."""
from __future__ import annotations

import json
from datetime import datetime

import strawberry

from services.audit.domain.engagement import Engagement, EngagementStatus, Finding
from services.audit.domain.plan import AuditPlan as PlanModel
from services.audit.domain.plan import PlanReason, PlanStatus, PopulationMember
from services.audit.domain.sampling.commitment import CommitmentKind
from services.audit.domain.sampling.methods import Method, Stratification
from services.audit.domain.sampling.report import Reconciliation, StratumLine, Tally
from shared.events import ViolationType
from shared.graphql import Fen

SamplingMethodEnum = strawberry.enum(Method, name="AuditSamplingMethod", description=(
    "SRS: simple random sampling; PPS: monetary-unit sampling, probability proportional to the investment."))
StratificationEnum = strawberry.enum(Stratification, name="AuditStratification",
                                     description="Draw separately within each unit or each kind of project.")
PlanStatusEnum = strawberry.enum(PlanStatus, name="AuditPlanStatus")
PlanReasonEnum = strawberry.enum(PlanReason, name="AuditPlanReason", description=(
    "Why a project is in its year's plan (THRESHOLD: 20M yuan or more, R-AUD-1; CLASSIFIED: classified, audited in "
    "full; SAMPLED: drawn, R-AUD-2) or not (AWAITING_DRAW, NOT_SELECTED)."))
CommitmentKindEnum = strawberry.enum(CommitmentKind, name="AuditCommitmentKind")
EngagementStatusEnum = strawberry.enum(EngagementStatus, name="AuditEngagementStatus")
ViolationTypeEnum = strawberry.enum(ViolationType, name="AuditViolationType", description=(
    "R-FIN-4: retention 滞留, interception 截留, encroachment 挤占, misappropriation 挪用, false listing 虚列, "
    "fraudulent obtaining 套取, or other."))


@strawberry.type(description="A number of projects and their amount.")
class AuditTally:
    count: int
    amount: Fen


def tally(value: Tally | None) -> AuditTally | None:
    return AuditTally(count=value.count, amount=value.amount) if value is not None else None


@strawberry.type(description="One stratum of the draw: its frame, its sample size ceil(p × N), what was drawn.")
class AuditStratumLine:
    key: str = strawberry.field(description="The unit or kind; empty when the draw is not stratified.")
    frame: AuditTally
    sample_size: int
    selected: AuditTally | None


@strawberry.type(description="Reconciliation of the year's population, frame and selection, over the projects "
                             "you may see.")
class AuditReconciliation:
    population: AuditTally
    certainty: AuditTally = strawberry.field(description="R-AUD-1: 20M yuan and above, audited in full.")
    classified_in_full: AuditTally
    frame: AuditTally
    selected: AuditTally | None
    in_plan: AuditTally
    strata: list[AuditStratumLine]
    balanced: bool = strawberry.field(description="population = certainty + classified + frame, and the strata "
                                                  "add up to the frame.")


def reconciliation(report: Reconciliation) -> AuditReconciliation:
    def line(value: StratumLine) -> AuditStratumLine:
        return AuditStratumLine(key=value.key, frame=tally(value.frame), sample_size=value.sample_size,
                                selected=tally(value.selected))

    return AuditReconciliation(population=tally(report.population), certainty=tally(report.certainty),
                               classified_in_full=tally(report.classified_in_full), frame=tally(report.frame),
                               selected=tally(report.selected), in_plan=tally(report.in_plan),
                               strata=[line(s) for s in report.strata], balanced=report.balanced)


@strawberry.type(description="What the bureau published before the seed was known (R-AUD-2).")
class AuditDrawCommitment:
    kind: CommitmentKindEnum
    seed_commitment: str | None = strawberry.field(description="SHA-256 of the secret seed.")
    randomness_source: str | None = strawberry.field(description="The public randomness value to come.")
    proportion: str
    method: SamplingMethodEnum
    stratify_by: StratificationEnum
    frame_digest: str
    frame_count: int
    frame_amount: Fen
    certainty_threshold: Fen
    committed_at: datetime
    digest: str = strawberry.field(description="SHA-256 of the commitment's canonical JSON.")


@strawberry.type(description="A project of the year's population and why it is, or is not, in the plan.")
class AuditPlanEntry:
    project_id: strawberry.ID
    code: str
    unit_id: str
    kind: str
    amount: Fen
    reason: PlanReasonEnum
    in_plan: bool


def plan_entry(member: PopulationMember) -> AuditPlanEntry:
    reason = member.reason
    return AuditPlanEntry(project_id=strawberry.ID(member.project_id), code=member.code, unit_id=member.unit_id,
                          kind=member.kind, amount=member.amount, reason=reason,
                          in_plan=reason in (PlanReason.THRESHOLD, PlanReason.CLASSIFIED, PlanReason.SAMPLED))


@strawberry.type(description="The annual audit plan of a jurisdiction and year, with its draw (R-AUD-1, R-AUD-2).")
class AuditPlan:
    id: strawberry.ID = strawberry.field(description="Also the draw's id.")
    jurisdiction: str
    year: int
    status: PlanStatusEnum
    commitment: AuditDrawCommitment
    seed: str | None = strawberry.field(description="The revealed seed, once drawn.")
    drawn_at: datetime | None
    selection_digest: str | None
    entries: list[AuditPlanEntry] = strawberry.field(description="The population, as far as you may see it.")
    report: AuditReconciliation
    document: str | None = strawberry.field(description=(
        "The published draw document (JSON): commitment, frame, and once drawn the seed and the selection. "
        "Recompute it with `egov audit-draw verify --inputs <file>`."))


def plan_type(plan: PlanModel, entries: list[PopulationMember], report: Reconciliation,
              document: dict | None) -> AuditPlan:
    c = plan.commitment
    commitment = AuditDrawCommitment(
        kind=c.kind, seed_commitment=c.seed_sha256, randomness_source=c.randomness_source, proportion=c.proportion,
        method=c.method, stratify_by=c.stratify_by, frame_digest=c.frame_digest, frame_count=c.frame_count,
        frame_amount=c.frame_amount, certainty_threshold=c.certainty_threshold, committed_at=plan.committed_at,
        digest=c.digest)
    return AuditPlan(id=strawberry.ID(plan.id), jurisdiction=plan.jurisdiction, year=plan.year, status=plan.status,
                     commitment=commitment, seed=plan.seed, drawn_at=plan.drawn_at,
                     selection_digest=plan.selection_digest, entries=[plan_entry(m) for m in entries],
                     report=reconciliation(report),
                     document=json.dumps(document, ensure_ascii=False) if document is not None else None)


@strawberry.type(description="An audit finding (审计发现); published to Finance as audit.finding.published.v1.")
class AuditFinding:
    id: strawberry.ID
    engagement_id: strawberry.ID
    project_id: strawberry.ID
    violation_type: ViolationTypeEnum
    amount: Fen
    summary: str
    evidence: list[str] | None = strawberry.field(description="For the Audit Bureau and the oversight bodies only.")
    published_at: datetime


def finding_type(finding: Finding, show_evidence: bool) -> AuditFinding:
    return AuditFinding(id=strawberry.ID(finding.id), engagement_id=strawberry.ID(finding.engagement_id),
                        project_id=strawberry.ID(finding.project_id), violation_type=finding.violation_type,
                        amount=finding.amount, summary=finding.summary,
                        evidence=list(finding.evidence) if show_evidence else None,
                        published_at=finding.published_at)


@strawberry.type(description="An audit engagement of a planned project: open, fieldwork, findings, closed.")
class AuditEngagement:
    id: strawberry.ID
    plan_id: strawberry.ID
    project_id: strawberry.ID
    year: int
    status: EngagementStatusEnum
    opened_at: datetime
    fieldwork_started_at: datetime | None
    closed_at: datetime | None
    conclusion: str | None
    findings: list[AuditFinding]


def engagement_type(engagement: Engagement, findings: list[AuditFinding]) -> AuditEngagement:
    return AuditEngagement(id=strawberry.ID(engagement.id), plan_id=strawberry.ID(engagement.plan_id),
                           project_id=strawberry.ID(engagement.project_id), year=engagement.year,
                           status=engagement.status, opened_at=engagement.opened_at,
                           fieldwork_started_at=engagement.fieldwork_started_at, closed_at=engagement.closed_at,
                           conclusion=engagement.conclusion, findings=findings)


@strawberry.type(description="The Audit Bureau's view of a project in the annual audit plan.")
class ProjectAudit:
    year: int
    plan_id: strawberry.ID
    draw_id: strawberry.ID | None = strawberry.field(description="The draw that decided, when the project was in "
                                                                 "the sampling frame.")
    in_plan: bool
    reason: PlanReasonEnum
    engagement_status: EngagementStatusEnum | None
    engagement: AuditEngagement | None
    findings: list[AuditFinding]
