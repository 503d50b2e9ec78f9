"""Reading what waits on the caller (`myWork`) from the finance tables: at most six statements whatever the number
of projects, each reading only what the caller's department acts on."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.asset_tables import asset_registrations
from services.finance.adapters.money_tables import audit_findings, plans, project_facts, sanctions, settlements, \
    spot_checks
from services.finance.adapters.orm import budget_reviews, projects, secrecy_status, trail
from services.finance.adapters.trail_store import CLASSIFIED
from services.finance.domain import work
from services.finance.domain.budget_review import BudgetReviewStatus
from services.finance.domain.sanctions import NAMED_VIOLATIONS
from services.finance.domain.special_fund_plan import SIGNERS, PlanAction, PlanStatus
from services.finance.domain.trail import plan_chain
from shared.auth import Department, Identity
from shared.clock import as_utc
from shared.visibility import APPLICANTS
from shared.work import ProjectRef, Work

PROJECT_COLUMNS = (projects.c.id.label("p_id"), projects.c.code.label("p_code"),
                   projects.c.jurisdiction.label("p_jurisdiction"), projects.c.unit_path.label("p_unit_path"),
                   CLASSIFIED.label("p_classified"))


def _with_project(query, project_id_column, *, from_review: bool = False):
    query = (query.join(projects, projects.c.id == project_id_column)
             .outerjoin(secrecy_status, secrecy_status.c.project_id == projects.c.id))
    return query if from_review else query.outerjoin(budget_reviews, budget_reviews.c.project_id == projects.c.id)


def _project(row) -> ProjectRef:
    return ProjectRef(row["p_id"], row["p_code"], row["p_jurisdiction"], tuple(row["p_unit_path"] or ()),
                           bool(row["p_classified"]))


async def _rows(session: AsyncSession, query) -> list:
    return list((await session.execute(query)).mappings())


async def finance_work(session: AsyncSession, identity: Identity, now: datetime, *, grace: timedelta) -> list[Work]:
    department = identity.department
    finance = department is Department.FINANCE_BUREAU
    unit = department in APPLICANTS and identity.unit is not None
    found: list[Work] = []

    def keep(project: ProjectRef, works: list[Work]) -> None:
        if project.seen_by(identity):  # R-SEC-2: a classified project's work only for those who may see it
            found.extend(works)

    if finance:
        query = _with_project(select(budget_reviews.c.opinion_concluded_at, *PROJECT_COLUMNS)
                              .select_from(budget_reviews), budget_reviews.c.project_id, from_review=True)
        for row in await _rows(session, query.where(budget_reviews.c.status == BudgetReviewStatus.IN_REVIEW.value,
                                                    budget_reviews.c.opinion_concluded_at.is_not(None))):
            keep(_project(row), work.budget_review_work(identity, _project(row), as_utc(row["opinion_concluded_at"])))
        query = _with_project(select(spot_checks.c.opened_at, *PROJECT_COLUMNS).select_from(spot_checks),
                              spot_checks.c.project_id)
        for row in await _rows(session, query.where(spot_checks.c.concluded_at.is_(None))):
            keep(_project(row), work.spot_check_work(identity, _project(row), as_utc(row["opened_at"])))
        # R-FIN-4: a finding of a named violation waits until a sanction answers it; an OTHER finding leaves a
        # sanction to Finance's discretion, so nothing waits on it (as `auditFindingsForSanction` says).
        answered = exists().where(sanctions.c.finding_id == audit_findings.c.finding_id)
        named = audit_findings.c.violation_type.in_(sorted(v.value for v in NAMED_VIOLATIONS))
        query = _with_project(select(audit_findings.c.published_at, *PROJECT_COLUMNS).select_from(audit_findings),
                              audit_findings.c.project_id)
        for row in await _rows(session, query.where(named, ~answered)):
            keep(_project(row), work.finding_work(identity, _project(row), as_utc(row["published_at"])))

    if finance or unit:
        query = _with_project(
            select(project_facts.c.accepted_at, project_facts.c.accepted_investment,
                   settlements.c.project_id.label("settled"), asset_registrations.c.completed_at,
                   asset_registrations.c.last_reminded_at, *PROJECT_COLUMNS)
            .select_from(project_facts)
            .outerjoin(settlements, settlements.c.project_id == project_facts.c.project_id)
            .outerjoin(asset_registrations, asset_registrations.c.project_id == project_facts.c.project_id),
            project_facts.c.project_id)
        pending = or_(asset_registrations.c.completed_at.is_(None), settlements.c.project_id.is_(None))
        if not finance:
            pending = asset_registrations.c.completed_at.is_(None)
        for row in await _rows(session, query.where(project_facts.c.accepted_at.is_not(None), pending)):
            accepted = work.Accepted(_project(row), as_utc(row["accepted_at"]), row["accepted_investment"],
                                     settled=row["settled"] is not None, registered=row["completed_at"] is not None,
                                     last_reminded_at=as_utc(row["last_reminded_at"]) if row["last_reminded_at"]
                                     else None)
            keep(accepted.project, work.accepted_work(identity, accepted, grace=grace, now=now))

    if department.value in SIGNERS or department is Department.LEADING_GROUP:
        found.extend(await _plan_work(session, identity))
    return found


async def _plan_work(session: AsyncSession, identity: Identity) -> list[Work]:
    """R-PLN-2: the plans being signed or reviewed, each waiting since the decision that left it unsigned (from the
    trail: its draft, a line's refresh that voided the signatures, the Leading Group's return)."""
    pending = await _rows(session, select(plans).where(
        plans.c.status.in_([PlanStatus.DRAFTING.value, PlanStatus.SUBMITTED.value])))
    if not pending:
        return []
    table = trail.entries
    subjects = [plan_chain(row["jurisdiction"], row["year"]).id for row in pending]
    opened = dict((await session.execute(
        select(table.c.subject_id, func.max(table.c.at))
        .where(table.c.subject_type == plan_chain("", 0).type, table.c.subject_id.in_(subjects),
               table.c.action.in_([PlanAction.DRAFT.value, PlanAction.REFRESH_LINE.value, PlanAction.RETURN.value]))
        .group_by(table.c.subject_id))).all())
    found = []
    for row in pending:
        subject = plan_chain(row["jurisdiction"], row["year"]).id
        since = opened.get(subject) or row["drafted_at"]
        plan = work.PendingPlan(row["jurisdiction"], row["year"], PlanStatus(row["status"]),
                                frozenset(s["department"] for s in row["signatures"]),
                                as_utc(row["submitted_at"]) if row["submitted_at"] else None, as_utc(since))
        found.extend(work.plan_work(identity, plan))
    return found
