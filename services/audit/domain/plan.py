"""The annual audit plan (年度审计项目计划) of a jurisdiction and year, and its draw (R-AUD-1, R-AUD-2).

The year's population is every project of the jurisdiction that passed completion acceptance (R-AUD-3) by the end
of that year (Asia/Shanghai) and is in no earlier plan. Committing the draw freezes it into three parts:
- CERTAINTY: investment of 20M yuan or more (20M included): in the plan in full (R-AUD-1; GAO's certainty sample);
- CLASSIFIED: classified projects below 20M: in the plan in full, because their draw could not be published
  (R-SEC-2) and a draw nobody can check is one somebody could steer (R-AUD-2);
- FRAME: every other project: the published sampling frame, drawn from at the bureau's proportion (R-AUD-2).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from enum import Enum

from services.audit.domain.register import in_certainty_scope
from services.audit.domain.sampling.commitment import Commitment, commitment_terms, revealed_seed
from services.audit.domain.sampling.errors import DrawError
from services.audit.domain.sampling.frame import FrameItem, frame_digest
from services.audit.domain.sampling.methods import DrawResult, Method, Stratification, draw, parse_proportion
from shared.auth import Identity
from shared.errors import DomainError, refuse
from shared.jurisdictions import JURISDICTIONS
from shared.money import MAJOR_THRESHOLD_FEN
from shared.trail import Decision

FIRST_YEAR = 2020  # the measures date from 2020


class PlanStatus(str, Enum):
    COMMITTED = "COMMITTED"  # frame, proportion, method and seed commitment published; the seed not yet revealed
    DRAWN = "DRAWN"  # the seed revealed and the draw made


class PopulationRole(str, Enum):
    CERTAINTY = "CERTAINTY"
    CLASSIFIED = "CLASSIFIED"
    FRAME = "FRAME"


class PlanReason(str, Enum):
    """Why a project is, or is not, in its year's plan."""

    THRESHOLD = "THRESHOLD"  # R-AUD-1
    CLASSIFIED = "CLASSIFIED"  # audited in full: a classified project's draw cannot be published
    SAMPLED = "SAMPLED"  # R-AUD-2: drawn from the frame
    AWAITING_DRAW = "AWAITING_DRAW"  # in the frame; the seed has not been revealed yet
    NOT_SELECTED = "NOT_SELECTED"  # in the frame, not drawn


@dataclass(frozen=True)
class RegisterFacts:
    """What the register knows of an accepted project when the population is frozen."""

    project_id: str
    code: str
    unit_id: str
    unit_path: tuple[str, ...]
    kind: str
    investment: int
    classified: bool


@dataclass(frozen=True)
class PopulationMember:
    plan_id: str
    project_id: str
    code: str
    unit_id: str
    unit_path: tuple[str, ...]
    kind: str
    classified: bool
    amount: int
    role: PopulationRole
    in_plan: bool | None  # None: in the frame, not drawn yet

    def frame_item(self) -> FrameItem:
        return FrameItem(self.project_id, self.code, self.unit_id, self.kind, self.amount)

    @property
    def reason(self) -> PlanReason:
        if self.role is PopulationRole.CERTAINTY:
            return PlanReason.THRESHOLD
        if self.role is PopulationRole.CLASSIFIED:
            return PlanReason.CLASSIFIED
        return {None: PlanReason.AWAITING_DRAW, True: PlanReason.SAMPLED, False: PlanReason.NOT_SELECTED}[self.in_plan]


@dataclass(frozen=True)
class AuditPlan:
    id: str
    commitment: Commitment
    status: PlanStatus
    committed_at: datetime
    seed: str | None = None
    randomness_source: str | None = None
    drawn_at: datetime | None = None
    selection_digest: str | None = None
    selected_count: int | None = None
    selected_amount: int | None = None
    version: int = 0

    @property
    def jurisdiction(self) -> str:
        return self.commitment.jurisdiction

    @property
    def year(self) -> int:
        return self.commitment.year


@dataclass(frozen=True)
class CommitDraw:
    jurisdiction: str
    year: int
    proportion: str
    method: Method
    stratify_by: Stratification
    seed_commitment: str | None = None
    randomness_source: str | None = None


def _refused(error: DrawError, *prefix: str) -> DomainError:
    return refuse(error.rule, error.message, *prefix, *((error.field,) if error.field else ()))


def _decision(actor: Identity, action: str, plan_id: str, now: datetime, **details) -> Decision:
    return Decision.by(actor, at=now, action=action, subject_type="PLAN", subject_id=plan_id, rule="R-AUD-2",
                       details=details)


def check_scope(jurisdiction: str, year: int, current_year: int) -> None:
    if jurisdiction not in JURISDICTIONS:
        raise refuse("INVALID", f"unknown jurisdiction {jurisdiction!r}; one of {', '.join(JURISDICTIONS)}",
                     "input", "jurisdiction")
    if not FIRST_YEAR <= year <= current_year + 1:
        raise refuse("INVALID", f"a plan is for a year from {FIRST_YEAR} to next year ({current_year + 1})",
                     "input", "year")


def partition(plan_id: str, facts: Iterable[RegisterFacts]) -> list[PopulationMember]:
    members = []
    for fact in facts:
        if in_certainty_scope(fact.investment):
            role, in_plan = PopulationRole.CERTAINTY, True
        elif fact.classified:
            role, in_plan = PopulationRole.CLASSIFIED, True
        else:
            role, in_plan = PopulationRole.FRAME, None
        members.append(PopulationMember(plan_id, fact.project_id, fact.code, fact.unit_id, fact.unit_path,
                                        fact.kind, fact.classified, fact.investment, role, in_plan))
    return members


def commit(command: CommitDraw, facts: Sequence[RegisterFacts], *, plan_id: str, actor: Identity, now: datetime,
           current_year: int) -> tuple[AuditPlan, list[PopulationMember], Decision]:
    """Freeze the population and publish the commitment; the seed is not known to the system yet."""
    check_scope(command.jurisdiction, command.year, current_year)
    try:
        _, proportion = parse_proportion(command.proportion)
        kind, seed_sha256, source = commitment_terms(command.seed_commitment, command.randomness_source)
        members = partition(plan_id, facts)
        frame = [m.frame_item() for m in members if m.role is PopulationRole.FRAME]
        if not frame:
            raise DrawError(f"the sampling frame of {command.jurisdiction} {command.year} is empty: no accepted "
                            f"project below 20M yuan awaits a plan", "jurisdiction")
        digest = frame_digest(frame)
    except DrawError as error:
        raise _refused(error, "input") from None
    commitment = Commitment(
        draw_id=plan_id, jurisdiction=command.jurisdiction, year=command.year, proportion=proportion,
        method=command.method, stratify_by=command.stratify_by, frame_digest=digest, frame_count=len(frame),
        frame_amount=sum(item.amount for item in frame), kind=kind, seed_sha256=seed_sha256,
        randomness_source=source, certainty_threshold=MAJOR_THRESHOLD_FEN,
        committed_at=now.astimezone(timezone.utc).isoformat())
    plan = AuditPlan(id=plan_id, commitment=commitment, status=PlanStatus.COMMITTED, committed_at=now)
    counts = {role.value.lower(): sum(1 for m in members if m.role is role) for role in PopulationRole}
    line = _decision(actor, "COMMIT_DRAW", plan_id, now, commitment_digest=commitment.digest,
                     commitment=commitment.to_json(), population=counts)
    return plan, members, line


def refuse_second_commit(existing: AuditPlan) -> DomainError:
    state = "drawn" if existing.status is PlanStatus.DRAWN else "committed (awaiting its seed)"
    return refuse("R-AUD-2", f"the audit plan of {existing.jurisdiction} {existing.year} is already {state}; one "
                             f"draw per jurisdiction and year, so that no draw can be repeated until it suits",
                  "input", "year")


def reveal(plan: AuditPlan, members: Sequence[PopulationMember], seed: str, randomness_source: str | None, *,
           actor: Identity, now: datetime) -> tuple[AuditPlan, list[PopulationMember], DrawResult, Decision]:
    """Check the seed against the commitment and the frame against its digest, then draw."""
    if plan.status is PlanStatus.DRAWN:
        raise refuse("R-AUD-2", f"the draw of {plan.jurisdiction} {plan.year} has already been made; it cannot be "
                                f"made again", "planId")
    commitment = plan.commitment
    frame = [m.frame_item() for m in members if m.role is PopulationRole.FRAME]
    try:
        used_seed = revealed_seed(commitment, seed, randomness_source)
        if frame_digest(frame) != commitment.frame_digest:
            raise DrawError("the stored frame no longer matches the committed digest; the draw is refused", "planId")
        proportion, _ = parse_proportion(commitment.proportion)
        result = draw(frame, proportion=proportion, method=commitment.method, stratify_by=commitment.stratify_by,
                      seed=used_seed)
    except DrawError as error:
        raise _refused(error) from None
    chosen = set(result.selected_ids)
    drawn = [replace(m, in_plan=m.project_id in chosen) if m.role is PopulationRole.FRAME else m for m in members]
    amount = sum(item.amount for item in result.selected)
    updated = replace(plan, status=PlanStatus.DRAWN, seed=used_seed, randomness_source=commitment.randomness_source,
                      drawn_at=now, selection_digest=result.selection_digest, selected_count=len(chosen),
                      selected_amount=amount, version=plan.version + 1)
    line = _decision(actor, "REVEAL_DRAW", plan.id, now, seed=used_seed,
                     randomness_source=commitment.randomness_source, selection_digest=result.selection_digest,
                     selected_count=len(chosen), selected_amount=amount)
    return updated, drawn, result, line
