"""What waits on whom in the approval service (`myWork`): the projects and construction plans whose next step is
the caller's department's, each since the decision that put it there. Pure, no I/O: the adapter hands in the
records and the project's trail entries of the actions named here."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.approval.domain.dossier import ChangeStatus, Rectification
from services.approval.domain.lifecycle import Action, ProjectStatus
from services.approval.domain.model import HistoryEntry, Project
from services.approval.domain.plan_lifecycle import PlanStatus
from services.approval.domain.plan_records import PlanVersion
from shared.auth import Department, Identity
from shared.visibility import APPLICANTS, can_see_project, unit_manages
from shared.work import Work, WorkKind as K

SERVICE = "approval"
S = ProjectStatus


@dataclass(frozen=True)
class StatusWork:
    """A project in `status` waits on `department` (None: its own unit) for `kind`, since the latest of `since`."""

    status: ProjectStatus
    kind: K
    department: Department | None
    since: tuple[str, ...]


# The lifecycle's waiting states as data: whose turn it is, and which decision put the project there.
STATUS_WORK = (
    StatusWork(S.SUBMITTED, K.APPROVE_PROJECT, Department.APPROVAL_BUREAU, (Action.SUBMIT.value,)),
    StatusWork(S.APPROVED, K.CONCLUDE_TECHNICAL_REVIEW, Department.APPROVAL_BUREAU, (Action.APPROVE.value,)),
    StatusWork(S.COMPLETION_ACCEPTANCE_REQUESTED, K.DECIDE_COMPLETION_ACCEPTANCE, Department.APPROVAL_BUREAU,
               (Action.APPLY_FOR_COMPLETION_ACCEPTANCE.value,)),
    StatusWork(S.DRAFT, K.SUBMIT_DRAFT_PROJECT, None, ("CREATE", Action.REVISE.value)),
    StatusWork(S.REJECTED, K.REVISE_REJECTED_PROJECT, None, (Action.REJECT.value,)),
)
BUILDING = frozenset({S.CONTRACT_SIGNED, S.UNDER_CONSTRUCTION, S.INITIAL_ACCEPTANCE_PASSED})

# The trail's actions the waiting instants are read from.
ACTIONS = tuple(sorted({a for w in STATUS_WORK for a in w.since} | {
    Action.REQUEST_CHANGE.value, Action.REFUSE_COMPLETION_ACCEPTANCE.value, Action.FILE_SELF_EVALUATION.value,
    Action.REVIEW_PERFORMANCE.value, Action.REPORT_RECTIFICATION.value}))


def candidate_statuses(identity: Identity) -> frozenset[ProjectStatus]:
    """The statuses in which a project may wait on the caller's department (what the adapter reads)."""
    if identity.department is Department.APPROVAL_BUREAU:
        return frozenset({w.status for w in STATUS_WORK if w.department is Department.APPROVAL_BUREAU}
                         | BUILDING | {S.IN_OPERATION})
    if identity.department in APPLICANTS and identity.unit:
        return frozenset({w.status for w in STATUS_WORK if w.department is None}
                         | {S.INITIAL_ACCEPTANCE_PASSED, S.IN_OPERATION})
    return frozenset()


def plan_statuses(identity: Identity) -> frozenset[PlanStatus]:
    return {Department.LEADING_GROUP: frozenset({PlanStatus.SUBMITTED}),
            Department.CITY_GOVERNMENT: frozenset({PlanStatus.REVIEWED}),
            Department.APPROVAL_BUREAU: frozenset({PlanStatus.DRAFT})}.get(identity.department, frozenset())


def _latest(entries: Sequence[HistoryEntry], actions: Iterable[str], fallback: datetime,
            detail: re.Pattern | None = None) -> datetime:
    actions = set(actions)
    found = [e.at for e in entries if e.action in actions and (detail is None or detail.search(e.detail))]
    return max(found) if found else fallback


def _cycle_detail(year: int) -> re.Pattern:
    # performance.EFFECTS writes "<year> self-evaluation filed", "<year>: targets missed...", "<year>: rectification..."
    return re.compile(rf"^{year}\b")


def project_work(identity: Identity, project: Project, entries: Sequence[HistoryEntry]) -> list[Work]:
    """What on this project waits on the caller: nothing unless the caller may see it (R-SEC-2)."""
    if not can_see_project(identity, unit_path=project.unit_path, classified=project.classified):
        return []
    bureau = identity.department is Department.APPROVAL_BUREAU
    unit = identity.department in APPLICANTS and unit_manages(identity, project.unit_path)
    if not (bureau or unit):
        return []

    def work(kind: K, since: datetime, year: int | None = None) -> Work:
        return Work(kind=kind, service=SERVICE, waiting_since=since, project_id=project.id, code=project.code,
                    title=project.name, jurisdiction=project.jurisdiction, year=year)

    found = []
    for waiting in STATUS_WORK:
        if project.status is waiting.status and (bureau if waiting.department else unit):
            found.append(work(waiting.kind, _latest(entries, waiting.since, project.updated_at)))
    if bureau and project.status in BUILDING:
        for change in project.changes:
            if change.status is ChangeStatus.REQUESTED:
                since = _latest(entries, [Action.REQUEST_CHANGE.value], project.updated_at,
                                re.compile(rf"^change {re.escape(change.change_id)}$"))
                found.append(work(K.DECIDE_CHANGE, since))
    if unit and project.status is S.INITIAL_ACCEPTANCE_PASSED and project.refusal_reasons:
        found.append(work(K.ANSWER_ACCEPTANCE_REFUSAL, _latest(
            entries, [Action.REFUSE_COMPLETION_ACCEPTANCE.value], project.updated_at)))
    if project.status is S.IN_OPERATION:
        for cycle in project.performance_cycles:
            pattern = _cycle_detail(cycle.year)
            if bureau and cycle.targets_met is None:
                found.append(work(K.REVIEW_SELF_EVALUATION, _latest(
                    entries, [Action.FILE_SELF_EVALUATION.value], project.updated_at, pattern), cycle.year))
            if bureau and cycle.rectification is Rectification.REPORTED:
                found.append(work(K.CONFIRM_RECTIFICATION, _latest(
                    entries, [Action.REPORT_RECTIFICATION.value], project.updated_at, pattern), cycle.year))
            if unit and cycle.rectification is Rectification.ORDERED:
                found.append(work(K.RECTIFY_PERFORMANCE, _latest(
                    entries, [Action.REVIEW_PERFORMANCE.value], project.updated_at, pattern), cycle.year))
    return found


def plan_work(identity: Identity, version: PlanVersion) -> list[Work]:
    """R-PLN-1: the Leading Group reviews a submitted plan, the city government approves a reviewed one, and the
    Approval Bureau revises a draft returned to it."""
    def work(kind: K, since: datetime) -> list[Work]:
        return [Work(kind=kind, service=SERVICE, waiting_since=since, jurisdiction=version.jurisdiction,
                     year=version.year)]

    department = identity.department
    if department is Department.LEADING_GROUP and version.status is PlanStatus.SUBMITTED and version.submitted_at:
        return work(K.REVIEW_CONSTRUCTION_PLAN, version.submitted_at)
    if department is Department.CITY_GOVERNMENT and version.status is PlanStatus.REVIEWED and version.reviewed_at:
        return work(K.APPROVE_CONSTRUCTION_PLAN, version.reviewed_at)
    if department is Department.APPROVAL_BUREAU and version.status is PlanStatus.DRAFT and version.returns:
        return work(K.REVISE_CONSTRUCTION_PLAN, max(r.at for r in version.returns))
    return []


def approval_work(identity: Identity, projects: Iterable[Project],
                  entries: Mapping[str, Sequence[HistoryEntry]], plans: Iterable[PlanVersion]) -> list[Work]:
    found = [w for p in projects for w in project_work(identity, p, entries.get(p.id, ()))]
    return found + [w for v in plans for w in plan_work(identity, v)]
