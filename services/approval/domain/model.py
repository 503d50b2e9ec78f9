"""The project record (项目) and the decisions on it: pure functions from state and command to a new state."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum

from services.approval.domain.lifecycle import APPLICANTS, TRANSITIONS, Action, ProjectStatus
from shared.auth import Identity
from shared.errors import DomainError, PermissionDenied, Violation, refuse
from shared.jurisdictions import JURISDICTIONS
from shared.visibility import unit_manages


class ProjectKind(str, Enum):
    """R-GEN-1 (Art 2): what a project builds."""

    INFORMATION_NETWORK_NEW = "INFORMATION_NETWORK_NEW"
    INFORMATION_NETWORK_EXPANSION = "INFORMATION_NETWORK_EXPANSION"
    INFORMATION_NETWORK_RENOVATION = "INFORMATION_NETWORK_RENOVATION"
    APPLICATION_SYSTEM_NEW = "APPLICATION_SYSTEM_NEW"
    APPLICATION_SYSTEM_EXPANSION = "APPLICATION_SYSTEM_EXPANSION"
    APPLICATION_SYSTEM_RENOVATION = "APPLICATION_SYSTEM_RENOVATION"
    INFORMATION_RESOURCE_NEW = "INFORMATION_RESOURCE_NEW"
    INFORMATION_RESOURCE_EXPANSION = "INFORMATION_RESOURCE_EXPANSION"
    INFORMATION_RESOURCE_RENOVATION = "INFORMATION_RESOURCE_RENOVATION"
    NETWORK_AND_INFORMATION_SECURITY = "NETWORK_AND_INFORMATION_SECURITY"
    CONSULTING_AND_EVALUATION = "CONSULTING_AND_EVALUATION"
    IT_MAINTENANCE = "IT_MAINTENANCE"
    IT_SERVICE_OUTSOURCING = "IT_SERVICE_OUTSOURCING"


class FundSource(str, Enum):
    """Article 3: where the money comes from."""

    FISCAL = "FISCAL"  # 财政资金
    HIGHER_LEVEL_SPECIAL = "HIGHER_LEVEL_SPECIAL"  # 上级专项资金
    FINANCING = "FINANCING"  # 融资资金
    SELF_RAISED = "SELF_RAISED"  # 自筹资金


@dataclass(frozen=True)
class ProjectDraft:
    name: str
    kind: ProjectKind
    jurisdiction: str
    investment_estimate: int  # fen
    fund_sources: tuple[tuple[FundSource, int], ...]
    declared_classified: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a project's history: who, when, what, why."""

    at: datetime
    action: str
    from_status: ProjectStatus | None
    to_status: ProjectStatus
    department: str
    unit: str | None
    subject: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    id: str
    code: str
    name: str
    kind: ProjectKind
    jurisdiction: str
    unit_id: str
    unit_path: tuple[str, ...]
    investment_estimate: int
    fund_sources: tuple[tuple[FundSource, int], ...]
    declared_classified: bool
    status: ProjectStatus
    created_at: datetime
    updated_at: datetime
    version: int = 1
    history: tuple[HistoryEntry, ...] = field(default=(), compare=False)


def validate_draft(draft: ProjectDraft) -> None:
    """The parts of R-APP-1 a draft can already be checked for: a name, a kind, an estimate its funds cover."""
    problems: list[Violation] = []
    if not draft.name.strip():
        problems.append(Violation("R-APP-1", ("input", "name"), "the project needs a name"))
    if draft.jurisdiction not in JURISDICTIONS:
        problems.append(Violation("INVALID", ("input", "jurisdiction"),
                                  f"unknown jurisdiction {draft.jurisdiction}; one of {', '.join(JURISDICTIONS)}"))
    if draft.investment_estimate <= 0:
        problems.append(Violation("R-APP-1", ("input", "investmentEstimate"), "the investment estimate must be positive"))
    if not draft.fund_sources:
        problems.append(Violation("R-APP-1", ("input", "fundSources"), "name at least one fund source with its amount"))
    seen: set[FundSource] = set()
    for index, (source, amount) in enumerate(draft.fund_sources):
        if source in seen:
            problems.append(Violation("INVALID", ("input", "fundSources", str(index), "source"),
                                      f"{source.value} is listed twice; give each source once with its total"))
        seen.add(source)
        if amount <= 0:
            problems.append(Violation("R-APP-1", ("input", "fundSources", str(index), "amount"),
                                      "a fund source's amount must be positive"))
    total = sum(amount for _, amount in draft.fund_sources)
    if draft.fund_sources and draft.investment_estimate > 0 and total != draft.investment_estimate:
        problems.append(Violation("R-APP-1", ("input", "fundSources"),
                                  f"the fund sources add up to {total} fen but the estimate is "
                                  f"{draft.investment_estimate} fen; they must be equal"))
    if problems:
        raise DomainError(problems)


def create(draft: ProjectDraft, *, project_id: str, code: str, actor: Identity, now: datetime) -> Project:
    transition = TRANSITIONS[Action.SUBMIT]  # only those who may submit may draft
    if actor.department not in transition.departments or actor.unit is None:
        raise PermissionDenied("drafting a project is for a construction unit or the Big Data Center, with a unit")
    validate_draft(draft)
    project = Project(
        id=project_id, code=code, name=draft.name.strip(), kind=draft.kind, jurisdiction=draft.jurisdiction,
        unit_id=actor.unit, unit_path=actor.unit_path, investment_estimate=draft.investment_estimate,
        fund_sources=draft.fund_sources, declared_classified=draft.declared_classified,
        status=ProjectStatus.DRAFT, created_at=now, updated_at=now,
    )
    entry = HistoryEntry(now, "CREATE", None, ProjectStatus.DRAFT, actor.department.value, actor.unit, actor.subject)
    return replace(project, history=(entry,))


def decide(project: Project, action: Action, *, actor: Identity, now: datetime,
           reasons: tuple[str, ...] = ()) -> tuple[Project, HistoryEntry]:
    """Apply one transition of the table, or refuse it. The returned history entry is the new line."""
    transition = TRANSITIONS[action]
    if actor.department not in transition.departments:
        raise PermissionDenied(
            f"{action.value.lower()} is for {' or '.join(d.value for d in sorted(transition.departments))}"
        )
    if actor.department in APPLICANTS and not unit_manages(actor, project.unit_path):
        raise PermissionDenied("only the project's own unit or a unit above it may do this")
    if project.status not in transition.sources:
        raise refuse(transition.rule,
                     f"cannot {action.value.lower()} a project that is {project.status.value}; it must be "
                     f"{' or '.join(s.value for s in sorted(transition.sources))}", "id")
    if action is Action.REJECT:
        reasons = tuple(r.strip() for r in reasons if r.strip())
        if not reasons:
            raise refuse("R-APP-2", "a rejection must give its reasons", "reasons")
    entry = HistoryEntry(now, action.value, project.status, transition.target, actor.department.value, actor.unit,
                         actor.subject, reasons)
    updated = replace(project, status=transition.target, updated_at=now, version=project.version + 1,
                      history=project.history + (entry,))
    return updated, entry
