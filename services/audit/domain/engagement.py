"""Audit engagements (审计项目实施) of the planned projects, and their findings (审计发现), R-AUD-1/2 and R-FIN-4.

The state machine is data: each action, the states it may start from, the state it leads to and the rule.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from services.audit.domain.authority import Command
from services.audit.domain.plan import AuditPlan, PlanReason, PopulationMember
from shared.auth import Identity
from shared.errors import refuse
from shared.events import ViolationType
from shared.trail import Decision
from shared.text import non_blank

# R-FIN-4: the findings of misuse of earmarked funds, on which Finance reduces, stops or recovers funds.
FUND_VIOLATIONS = frozenset(ViolationType) - {ViolationType.OTHER}
IN_PLAN = frozenset({PlanReason.THRESHOLD, PlanReason.CLASSIFIED, PlanReason.SAMPLED})


class EngagementStatus(str, Enum):
    OPEN = "OPEN"  # notified (审计通知书)
    FIELDWORK = "FIELDWORK"  # on site (现场审计)
    FINDINGS = "FINDINGS"  # at least one finding published
    CLOSED = "CLOSED"  # concluded; nothing more is recorded


@dataclass(frozen=True)
class Transition:
    command: Command
    sources: frozenset[EngagementStatus]
    target: EngagementStatus
    rule: str
    description: str


S = EngagementStatus
TRANSITIONS: dict[Command, Transition] = {t.command: t for t in (
    Transition(Command.OPEN_ENGAGEMENT, frozenset(), S.OPEN, "R-AUD-1",
               "open the engagement of a project in the year's plan"),
    Transition(Command.START_FIELDWORK, frozenset({S.OPEN}), S.FIELDWORK, "R-AUD-1", "start fieldwork"),
    Transition(Command.PUBLISH_FINDING, frozenset({S.FIELDWORK, S.FINDINGS}), S.FINDINGS, "R-FIN-4",
               "publish a finding"),
    Transition(Command.CLOSE_ENGAGEMENT, frozenset({S.FIELDWORK, S.FINDINGS}), S.CLOSED, "R-AUD-1",
               "close the engagement with its conclusion"),
)}


@dataclass(frozen=True)
class Engagement:
    id: str
    plan_id: str
    project_id: str
    year: int
    status: EngagementStatus
    classified: bool
    unit_path: tuple[str, ...]
    opened_at: datetime
    fieldwork_started_at: datetime | None = None
    closed_at: datetime | None = None
    conclusion: str | None = None
    version: int = 0


@dataclass(frozen=True)
class FindingInput:
    violation_type: ViolationType
    amount: int
    summary: str
    evidence: Sequence[str]


@dataclass(frozen=True)
class Finding:
    id: str
    engagement_id: str
    project_id: str
    violation_type: ViolationType
    amount: int
    summary: str
    evidence: tuple[str, ...]
    published_at: datetime


def _line(actor: Identity, command: Command, engagement: Engagement, now: datetime, subject_type: str = "",
          subject_id: str = "", reason: str | None = None, **details) -> Decision:
    """The trail entry of a step (R-OVS-1), citing the step's rule; classified with the project (R-SEC-2)."""
    return Decision.by(actor, at=now, action=command.value, subject_type=subject_type or "ENGAGEMENT",
                       subject_id=subject_id or engagement.id, project_id=engagement.project_id,
                       rule=TRANSITIONS[command].rule, classified=engagement.classified, reason=reason,
                       details={"engagement_id": engagement.id, "status": engagement.status.value, **details})


def open_engagement(member: PopulationMember | None, plan: AuditPlan | None, existing: Engagement | None, *,
                    engagement_id: str, actor: Identity, now: datetime) -> tuple[Engagement, Decision]:
    if member is None or plan is None:
        raise refuse("R-AUD-1", "the project is in no annual audit plan: commit the year's plan first (a project "
                                "enters the population of the first plan after its completion acceptance)", "projectId")
    if member.reason not in IN_PLAN:
        why = ("the year's draw has not been made yet" if member.reason is PlanReason.AWAITING_DRAW
               else f"it was not drawn in the {plan.year} sample")
        raise refuse("R-AUD-2", f"the project is not in the {plan.year} audit plan: {why}", "projectId")
    if existing is not None:
        raise refuse("R-AUD-1", f"the project already has its {plan.year} engagement ({existing.status.value})",
                     "projectId")
    engagement = Engagement(id=engagement_id, plan_id=plan.id, project_id=member.project_id, year=plan.year,
                            status=S.OPEN, classified=member.classified, unit_path=member.unit_path, opened_at=now)
    return engagement, _line(actor, Command.OPEN_ENGAGEMENT, engagement, now, plan_id=plan.id,
                             plan_reason=member.reason.value)


def _transition(engagement: Engagement, command: Command) -> Transition:
    transition = TRANSITIONS[command]
    if engagement.status not in transition.sources:
        needed = " or ".join(sorted(s.value for s in transition.sources))
        raise refuse(transition.rule, f"the engagement is {engagement.status.value}; to {transition.description} "
                                      f"it must be {needed}", "engagementId")
    return transition


def start_fieldwork(engagement: Engagement, *, actor: Identity, now: datetime) -> tuple[Engagement, Decision]:
    transition = _transition(engagement, Command.START_FIELDWORK)
    updated = replace(engagement, status=transition.target, fieldwork_started_at=now, version=engagement.version + 1)
    return updated, _line(actor, transition.command, updated, now)


def _clean_finding(finding: FindingInput) -> tuple[str, tuple[str, ...]]:
    summary = (finding.summary or "").strip()
    evidence = non_blank(finding.evidence)
    if not summary:
        raise refuse("R-FIN-4", "a finding says what was found", "input", "summary")
    if not evidence:
        raise refuse("R-FIN-4", "a finding names its evidence (working papers, vouchers, documents)", "input",
                     "evidence")
    if finding.violation_type in FUND_VIOLATIONS and finding.amount <= 0:
        raise refuse("R-FIN-4", f"a finding of {finding.violation_type.value.lower().replace('_', ' ')} names the "
                                f"amount of funds concerned, above zero", "input", "amount")
    return summary, evidence


def publish_finding(engagement: Engagement, finding: FindingInput, *, finding_id: str, actor: Identity,
                    now: datetime) -> tuple[Engagement, Finding, Decision]:
    transition = _transition(engagement, Command.PUBLISH_FINDING)
    summary, evidence = _clean_finding(finding)
    updated = replace(engagement, status=transition.target, version=engagement.version + 1)
    published = Finding(finding_id, engagement.id, engagement.project_id, finding.violation_type, finding.amount,
                        summary, evidence, now)
    line = _line(actor, transition.command, updated, now, "FINDING", finding_id, summary,
                 violation_type=finding.violation_type.value, amount=finding.amount, evidence=list(evidence))
    return updated, published, line


def close_engagement(engagement: Engagement, conclusion: str, *, actor: Identity,
                     now: datetime) -> tuple[Engagement, Decision]:
    transition = _transition(engagement, Command.CLOSE_ENGAGEMENT)
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise refuse("R-AUD-1", "an engagement closes with its conclusion (审计结论)", "conclusion")
    updated = replace(engagement, status=transition.target, closed_at=now, conclusion=conclusion,
                      version=engagement.version + 1)
    return updated, _line(actor, transition.command, updated, now, reason=conclusion)
