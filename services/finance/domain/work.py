"""What waits on whom in the finance service (`myWork`). Pure, no I/O: the adapter reads the candidates (a bounded
number of statements) and these rules say whose turn it is and since when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.finance.domain.asset_oversight import grace_ends_at, grace_passed
from services.finance.domain.special_fund_plan import SIGNERS, PlanStatus
from shared.auth import Department, Identity
from shared.money import MAJOR_THRESHOLD_FEN
from shared.visibility import APPLICANTS, unit_manages
from shared.work import ProjectRef, Work, WorkKind as K

SERVICE = "finance"
FINANCE = Department.FINANCE_BUREAU


@dataclass(frozen=True)
class PendingPlan:
    jurisdiction: str
    year: int
    status: PlanStatus
    signed_by: frozenset[str]
    submitted_at: datetime | None
    opened_at: datetime  # the decision that left it unsigned: the draft, a line's refresh, the Leading Group's return


@dataclass(frozen=True)
class Accepted:
    """An accepted project's follow-up: settlement review (R-FIN-6) and asset registration (R-FIN-7)."""

    project: ProjectRef
    accepted_at: datetime
    investment: int | None
    settled: bool
    registered: bool
    last_reminded_at: datetime | None


def _work(kind: K, since: datetime, project: ProjectRef | None = None, **plan) -> Work:
    if project is None:
        return Work(kind=kind, service=SERVICE, waiting_since=since, **plan)
    return project.work(kind, SERVICE, since)


def is_finance(identity: Identity) -> bool:
    return identity.department is FINANCE


def is_unit_of(identity: Identity, project: ProjectRef) -> bool:
    return identity.department in APPLICANTS and unit_manages(identity, project.unit_path)


def budget_review_work(identity: Identity, project: ProjectRef, opinion_at: datetime) -> list[Work]:
    """R-REV-2: a case with the review opinion in waits on Finance's report."""
    return [_work(K.ISSUE_BUDGET_REVIEW_REPORT, opinion_at, project)] if is_finance(identity) else []


def plan_work(identity: Identity, plan: PendingPlan) -> list[Work]:
    """R-PLN-2: each drafter signs the drafted plan; the Leading Group reviews the co-signed one."""
    department = identity.department.value
    where = dict(jurisdiction=plan.jurisdiction, year=plan.year)
    if plan.status is PlanStatus.DRAFTING and department in SIGNERS and department not in plan.signed_by:
        return [_work(K.SIGN_SPECIAL_FUND_PLAN, plan.opened_at, **where)]
    if (plan.status is PlanStatus.SUBMITTED and identity.department is Department.LEADING_GROUP
            and plan.submitted_at is not None):
        return [_work(K.REVIEW_SPECIAL_FUND_PLAN, plan.submitted_at, **where)]
    return []


def accepted_work(identity: Identity, accepted: Accepted, *, grace: timedelta, now: datetime) -> list[Work]:
    project, found = accepted.project, []
    if is_finance(identity):
        below = accepted.investment is not None and accepted.investment < MAJOR_THRESHOLD_FEN
        if below and not accepted.settled:
            found.append(_work(K.REVIEW_SETTLEMENT, accepted.accepted_at, project))
        # R-FIN-7: unregistered past the grace period and not reminded since: Finance's turn to remind.
        if (not accepted.registered and grace_passed(accepted.accepted_at, grace, now)
                and accepted.last_reminded_at is None):
            found.append(_work(K.REMIND_ASSET_REGISTRATION, grace_ends_at(accepted.accepted_at, grace), project))
    if is_unit_of(identity, project) and not accepted.registered:
        if accepted.last_reminded_at is None:
            found.append(_work(K.REGISTER_ASSETS, accepted.accepted_at, project))
        else:
            found.append(_work(K.ANSWER_ASSET_REMINDER, accepted.last_reminded_at, project))
    return found


def spot_check_work(identity: Identity, project: ProjectRef, opened_at: datetime) -> list[Work]:
    """R-FIN-5: an open spot check waits on Finance's conclusion."""
    return [_work(K.CONCLUDE_SPOT_CHECK, opened_at, project)] if is_finance(identity) else []


def finding_work(identity: Identity, project: ProjectRef, published_at: datetime) -> list[Work]:
    """R-FIN-4: an audit finding no sanction answers yet waits on Finance."""
    return [_work(K.ACT_ON_AUDIT_FINDING, published_at, project)] if is_finance(identity) else []
