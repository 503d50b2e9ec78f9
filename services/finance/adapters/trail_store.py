"""Finance's decisions on the service's decision trail (R-OVS-1, shared.trail_store): the money trail of a project or
a special-fund plan (TrailEntry) and a budget-review case's decisions (Decision), each about its subject, citing
the rule its action is taken under, and withheld from readers without need to know for a classified project."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.orm import budget_reviews, projects, secrecy_status, trail
from services.finance.domain.budget_review import BudgetReviewStatus
from services.finance.domain.history import Actor, Decision
from services.finance.domain.lifecycle import TRANSITIONS
from services.finance.domain.permissions import PERMISSIONS
from services.finance.domain.special_fund_plan import PlanAction
from services.finance.domain.trail import Subject, TrailEntry, case_subject
from shared import trail as shared_trail
from shared.clock import as_utc
from shared.trail_store import DecisionTrail

ChainedEntry = tuple[TrailEntry, str, str]  # (entry, the previous entry's hash on the trail, its own hash)
ChainedDecision = tuple[Decision, str, str]

# The rule each action is taken under, as its entry cites it; a fact another bureau reported cites none.
RULES: dict[str, str] = {
    **{command.value: permission.rule for command, permission in PERMISSIONS.items()},
    **{action.value: transition.rule for action, transition in TRANSITIONS.items()},
    **{action.value: "R-PLN-2" for action in PlanAction},
    "BUDGET_REPORTED": "R-FIN-1",
}


# The Secrecy Bureau's latest word, else the review opinion's flag, else the unit's declaration (as BudgetReviewCase
# says); read with finance_secrecy_status and budget_reviews joined to finance_projects.
CLASSIFIED = func.coalesce(secrecy_status.c.classified, budget_reviews.c.opinion_classified, projects.c.classified)


async def classified_among(session: AsyncSession, project_ids: Sequence[str]) -> set[str]:
    """Which of these projects Finance holds as classified: the Secrecy Bureau's latest decision, else the review
    opinion's flag, else the unit's declaration (R-SEC-2)."""
    rows = await session.execute(
        select(projects.c.id)
        .outerjoin(secrecy_status, secrecy_status.c.project_id == projects.c.id)
        .outerjoin(budget_reviews, budget_reviews.c.project_id == projects.c.id)
        .where(projects.c.id.in_(list(project_ids)), CLASSIFIED.is_(True)))
    return set(rows.scalars())


async def _append(session: AsyncSession, subject: Subject, decisions: Sequence[tuple]) -> None:
    """decisions: (at, action, actor, reason, details) of one subject, in order."""
    if not decisions:
        return
    # A plan's entries name the projects of its lines: such an entry is as classified as the most secret of them.
    named = set().union(*(shared_trail.projects_named(subject.project_id, details) for *_rest, details in decisions))
    classified = bool(named and await classified_among(session, sorted(named)))
    await DecisionTrail(trail, session).append(*(shared_trail.Decision(
        at=at, department=actor.department, unit=actor.unit, actor=actor.subject, action=action,
        subject_type=subject.type, subject_id=subject.id, project_id=subject.project_id, rule=RULES.get(action),
        reason=reason, details=details, classified=classified) for at, action, actor, reason, details in decisions))


async def append(session: AsyncSession, chain: Subject, entries: Sequence[TrailEntry]) -> None:
    """Chain a project's or a plan's money decisions onto the trail."""
    await _append(session, chain, [(e.at, e.action, e.actor, e.reason, dict(e.detail)) for e in entries])


async def append_case_decisions(session: AsyncSession, *, case_id: str, project_id: str,
                                entries: Sequence[Decision]) -> None:
    """Chain a budget-review case's decisions onto the trail."""
    await _append(session, case_subject(case_id, project_id), [
        (d.at, d.action, d.actor, d.reason, {"detail": dict(d.detail), "from_status": d.from_status,
                                             "to_status": d.to_status}) for d in entries])


def _when_who(content: dict) -> tuple[datetime, Actor]:
    return (as_utc(datetime.fromisoformat(content["at"])),
            Actor(content["department"], content["unit"], content["actor"]))


async def entries_of(session: AsyncSession, chains: Sequence[Subject]) -> dict[Subject, list[ChainedEntry]]:
    found: dict[Subject, list[ChainedEntry]] = {}
    for subject_type in {chain.type for chain in chains}:
        of_type = [chain for chain in chains if chain.type == subject_type]
        stored = await DecisionTrail(trail, session).about(subject_type, [chain.id for chain in of_type])
        for chain in of_type:
            found[chain] = []
            for entry in stored[chain.id]:
                content = entry.decision()
                at, actor = _when_who(content)
                found[chain].append((TrailEntry(at, content["action"], actor, content["details"], content["reason"]),
                                     entry.previous_hash, entry.entry_hash))
    return found


async def case_history(session: AsyncSession, case_id: str) -> list[ChainedDecision]:
    stored = (await DecisionTrail(trail, session).about("BUDGET_REVIEW", [case_id]))[case_id]
    history = []
    for entry in stored:
        content = entry.decision()
        at, actor = _when_who(content)
        details = content["details"]
        history.append((Decision(at=at, action=content["action"],
                                 from_status=BudgetReviewStatus(details["from_status"]) if details["from_status"]
                                 else None, to_status=BudgetReviewStatus(details["to_status"]), actor=actor,
                                 detail=details["detail"], reason=content["reason"]),
                        entry.previous_hash, entry.entry_hash))
    return history
