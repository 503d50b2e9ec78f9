"""The project record (项目) and the one function that decides every action on it: pure, no I/O."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict

from services.approval.domain import rules
from services.approval.domain.construction_plan import PlanVersion
from services.approval.domain.dossier import (
    Change, Contract, Dossier, InfrastructureKind, Operation, PerformanceCycle, PerformanceTarget,
    ProgressReport, ReviewAspect, ReviewOpinion, SubmittedDocument, Supervision, TestReport,
)
from services.approval.domain.lifecycle import TRANSITIONS, Action, ProjectStatus
from services.approval.domain.publicity import Withholding
from shared.auth import Identity
from shared.errors import DomainError, PermissionDenied, Violation
from shared.money import MAJOR_THRESHOLD_FEN
from shared.visibility import APPLICANTS, unit_manages


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


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FundShare(Record):
    source: FundSource
    amount: int  # fen


class ProjectDraft(Record):
    name: str
    kind: ProjectKind
    jurisdiction: str
    investment_estimate: int  # fen
    fund_sources: tuple[FundShare, ...]
    declared_classified: bool = False
    city_decided: bool = False  # 市委、市政府研究决定的项目; otherwise self-funded with a possible reward (R-FIN-3)


class Exemption(Record):
    kind: InfrastructureKind
    reason: str


class ReviewFinding(Record):
    aspect: ReviewAspect
    finding: str


class VendorQualification(Record):
    """The approval service's copy of a vendor's qualification, fed by the secrecy service's events."""

    vendor_id: str
    scopes: frozenset[str]
    valid_from: date
    valid_until: date
    revoked_on: date | None = None


class HistoryEntry(Record):
    """One line of a project's history: who, when, what, why."""

    at: datetime
    action: str
    from_status: ProjectStatus | None
    to_status: ProjectStatus
    department: str
    unit: str | None
    subject: str
    reasons: tuple[str, ...] = ()
    detail: str = ""
    rule: str | None = None  # the rule the action is taken under (R-xx)


class Project(Record):
    id: str
    code: str
    name: str
    kind: ProjectKind
    jurisdiction: str
    unit_id: str
    unit_path: tuple[str, ...]
    investment_estimate: int
    fund_sources: tuple[FundShare, ...]
    declared_classified: bool
    city_decided: bool = False
    status: ProjectStatus
    created_at: datetime
    updated_at: datetime
    version: int = 1
    # Classification is the Secrecy Bureau's fact; until it speaks, the unit's declaration stands.
    confirmed_classified: bool | None = None
    major_flag_reason: str | None = None
    dossier: Dossier = Dossier()
    exemptions: tuple[Exemption, ...] = ()
    review_findings: tuple[ReviewFinding, ...] = ()
    opinion: ReviewOpinion | None = None
    secrecy_review_passed: bool = False
    approved_budget: int | None = None
    contract: Contract | None = None
    supervision: Supervision | None = None
    changes: tuple[Change, ...] = ()
    test_reports: tuple[TestReport, ...] = ()
    initial_acceptance_report: str | None = None
    acceptance_documents: tuple[SubmittedDocument, ...] = ()
    refusal_reasons: tuple[str, ...] = ()
    accepted_at: datetime | None = None
    pre_use_approved: bool = False
    operation: Operation | None = None
    performance_targets: tuple[PerformanceTarget, ...] = ()
    progress: tuple[ProgressReport, ...] = ()
    performance_cycles: tuple[PerformanceCycle, ...] = ()
    withholding: Withholding | None = None  # R-PUB-1: the Approval Bureau withheld it from publication

    @property
    def classified(self) -> bool:
        return self.declared_classified if self.confirmed_classified is None else self.confirmed_classified

    @property
    def investment(self) -> int:
        """The approved estimate once the technical review set it; before that, the submitted estimate."""
        return self.opinion.approved_estimate if self.opinion else self.investment_estimate

    def is_major(self, threshold: int = MAJOR_THRESHOLD_FEN) -> bool:
        """R-IMP-4: investment at or above the threshold (default 20M yuan), or flagged by the Approval Bureau."""
        return self.major_flag_reason is not None or self.investment >= threshold


class Context(Record):
    """What a decision may need beyond the project: configuration, and facts other bureaus reported."""

    major_threshold: int = MAJOR_THRESHOLD_FEN
    vendor_qualifications: dict[str, VendorQualification] = {}
    # R-PLN-1: the approved construction plan in force of the project's jurisdiction for the year construction
    # would start in (None: there is none), and that year.
    construction_plan: PlanVersion | None = None
    construction_year: int | None = None


def create(draft: ProjectDraft, *, project_id: str, code: str, actor: Identity, now: datetime) -> Project:
    if actor.department not in APPLICANTS or actor.unit is None:
        raise PermissionDenied("drafting a project is for a construction unit or the Big Data Center, with a unit")
    rules.raise_if(rules.draft_problems(draft.name, draft.jurisdiction, draft.investment_estimate,
                                        [(s.source.value, s.amount) for s in draft.fund_sources], ("input",)))
    entry = HistoryEntry(at=now, action="CREATE", from_status=None, to_status=ProjectStatus.DRAFT,
                         department=actor.department.value, unit=actor.unit, subject=actor.subject, rule="R-APP-1")
    project = Project(id=project_id, code=code, name=draft.name.strip(), kind=draft.kind,
                      jurisdiction=draft.jurisdiction, unit_id=actor.unit, unit_path=actor.unit_path,
                      investment_estimate=draft.investment_estimate, fund_sources=draft.fund_sources,
                      declared_classified=draft.declared_classified, city_decided=draft.city_decided,
                      status=ProjectStatus.DRAFT, created_at=now, updated_at=now)
    return project, entry


def check_department(action: Action, actor: Identity) -> None:
    """Article 5: only the departments the table names may take the action. Checked before the project is even
    read, so a wrong department learns nothing about it."""
    transition = TRANSITIONS[action]
    if actor.department not in transition.departments:
        needed = " or ".join(sorted(d.value for d in transition.departments))
        raise PermissionDenied(f"{action.value.lower().replace('_', ' ')} is for {needed}")


def check_permission(project: Project, action: Action, actor: Identity) -> None:
    check_department(action, actor)
    if actor.department in APPLICANTS and not unit_manages(actor, project.unit_path):
        raise PermissionDenied("only the project's own unit or a unit above it may do this")


def decide(project: Project, action: Action, payload: Any = None, *, actor: Identity, now: datetime,
           context: Context = Context()) -> tuple[Project, HistoryEntry]:
    """Take one action of the table, or refuse it. Returns the new project and its new history line."""
    check_permission(project, action, actor)
    transition = TRANSITIONS[action]
    if project.status not in transition.sources:
        allowed = " or ".join(sorted(s.value for s in transition.sources))
        raise DomainError(Violation(transition.rule, ("id",),
                                    f"cannot {action.value.lower().replace('_', ' ')} a project that is "
                                    f"{project.status.value}; it must be {allowed}"))
    rules.raise_if(rules.GUARDS.get(action, rules.no_guard)(project, payload, context))
    changes, reasons, detail = rules.EFFECTS[action](project, payload, now)
    target = transition.target or project.status
    updated = project.model_copy(update={**changes, "status": target, "updated_at": now,
                                         "version": project.version + 1})
    entry = HistoryEntry(at=now, action=action.value, from_status=project.status, to_status=target,
                         department=actor.department.value, unit=actor.unit, subject=actor.subject,
                         reasons=tuple(reasons), detail=detail, rule=transition.rule)
    return updated, entry


__all__ = ["Project", "ProjectDraft", "FundShare", "Exemption", "ReviewFinding", "VendorQualification",
           "HistoryEntry", "Context", "ProjectKind", "FundSource", "create", "decide", "check_department", "check_permission",
           "Contract", "Supervision", "TestReport", "Operation", "ReviewOpinion", "Change", "Dossier"]
