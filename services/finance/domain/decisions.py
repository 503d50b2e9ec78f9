"""The decisions on a budget-review case: pure functions from a case and a command (or a fact another bureau
reported) to the new case and the history entry that records it, or a refusal. No I/O.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from services.finance.domain.budget_review import (
    BudgetLine,
    BudgetReviewCase,
    BudgetReviewStatus,
    ReviewOpinion,
    SecrecyFacts,
    sorted_lines,
)
from services.finance.domain.history import Actor, Decision
from services.finance.domain.lifecycle import TRANSITIONS, Action
from shared.auth import Identity
from shared.errors import DomainError, PermissionDenied, Violation, refuse
from shared.money import format_yuan

NOTE_MAX_LENGTH = 2000


def authorize(action: Action, actor: Identity) -> None:
    """Article 5: only the department the table names may take the action; the refusal names it."""
    transition = TRANSITIONS[action]
    if actor.department not in transition.departments:
        needed = " or ".join(sorted(d.value for d in transition.departments))
        raise PermissionDenied(f"{transition.description} is for {needed}; you are {actor.department.value}")


def _require_status(case: BudgetReviewCase, action: Action) -> None:
    transition = TRANSITIONS[action]
    if case.status in transition.sources:
        return
    if case.status is BudgetReviewStatus.REPORTED:
        message = (f"the budget review report was issued at {case.reported_at:%Y-%m-%d %H:%M} UTC; "
                   f"a reported case is final")
    elif case.status is BudgetReviewStatus.WAITING_FOR_REVIEW_OPINION:
        message = ("the technical review opinion (审查意见) has not arrived yet; the budget review works on its "
                   "basis (R-REV-1)")
    else:
        message = f"the case is {case.status.value}"
    raise refuse(transition.rule, f"cannot do this now: {message}", "projectId")


def _yuan(fen: int) -> str:
    return f"{format_yuan(fen)} yuan ({fen} fen)"


def open_case_decision(case: BudgetReviewCase, actor: Actor) -> Decision:
    return Decision(at=case.opened_at, action=Action.OPEN.value, from_status=None, to_status=case.status,
                    actor=actor)


def review_opinion(*, approved_estimate: int, classified: bool, fund_sources, cross_year: bool, yearly_plan,
                   concluded_at: datetime) -> ReviewOpinion:
    """The opinion as Finance keeps it: one amount per fund source and per year (repeats are added up)."""
    sources: dict[str, int] = {}
    for source, amount in fund_sources:
        sources[source] = sources.get(source, 0) + amount
    years: dict[int, int] = {}
    for year, amount in yearly_plan:
        years[year] = years.get(year, 0) + amount
    return ReviewOpinion(approved_estimate=approved_estimate, classified=classified,
                         fund_sources=tuple(sorted(sources.items())), cross_year=cross_year,
                         yearly_plan=tuple(sorted(years.items())), concluded_at=concluded_at)


def receive_opinion(case: BudgetReviewCase, opinion: ReviewOpinion, *, actor: Actor,
                    now: datetime) -> tuple[BudgetReviewCase, Decision | None]:
    """The technical review concluded (R-REV-1): the case reviews on the basis of the newest opinion.

    An opinion older than the one held changes nothing (events may arrive in any order). After the report the
    case is final: a later opinion is recorded in the history but not applied.
    """
    if case.opinion is not None and opinion.concluded_at <= case.opinion.concluded_at:
        return case, None
    detail = {"approved_estimate": opinion.approved_estimate, "classified": opinion.classified,
              "cross_year": opinion.cross_year, "concluded_at": opinion.concluded_at.isoformat()}
    if case.status is BudgetReviewStatus.REPORTED:
        return replace(case, version=case.version + 1), Decision(
            now, "REVIEW_OPINION_NOT_APPLIED", case.status, case.status, actor, detail,
            "the budget review report was already issued; a reported case is final")
    _require_status(case, Action.RECEIVE_REVIEW_OPINION)
    target = TRANSITIONS[Action.RECEIVE_REVIEW_OPINION].target
    updated = replace(case, status=target, opinion=opinion, version=case.version + 1)
    return updated, Decision(now, Action.RECEIVE_REVIEW_OPINION.value, case.status, target, actor, detail)


def _line_problems(line: BudgetLine) -> list[Violation]:
    problems: list[Violation] = []
    for name, amount in (("requestedAmount", line.requested_amount), ("approvedAmount", line.approved_amount)):
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            problems.append(Violation("INVALID", (name,), "amounts are non-negative integer fen (分)"))
    if problems:
        return problems
    if line.approved_amount > line.requested_amount:
        problems.append(Violation(
            "R-REV-2", ("approvedAmount",),
            f"the approved {line.category.value} amount {_yuan(line.approved_amount)} is above the requested "
            f"{_yuan(line.requested_amount)}; Finance approves at most what was requested"))
    if line.note is not None and len(line.note) > NOTE_MAX_LENGTH:
        problems.append(Violation("INVALID", ("note",), f"a note has at most {NOTE_MAX_LENGTH} characters"))
    return problems


def set_line(case: BudgetReviewCase, line: BudgetLine, *, actor: Identity,
             now: datetime) -> tuple[BudgetReviewCase, Decision]:
    """R-REV-2: approve one cost line; the approved lines together never exceed the approved estimate."""
    authorize(Action.SET_LINE, actor)
    _require_status(case, Action.SET_LINE)
    note = (line.note or "").strip() or None
    line = replace(line, note=note)
    problems = _line_problems(line)
    if problems:
        raise DomainError(problems)
    others = [existing for existing in case.lines if existing.category is not line.category]
    total = sum(existing.approved_amount for existing in others) + line.approved_amount
    estimate = case.approved_estimate
    if estimate is not None and total > estimate:
        raise refuse("R-REV-2",
                     f"with {line.category.value} at {_yuan(line.approved_amount)} the approved lines would total "
                     f"{_yuan(total)}, {_yuan(total - estimate)} above the approved estimate of {_yuan(estimate)} "
                     f"in the review opinion (审查意见)",
                     "lines", line.category.value, "approvedAmount")
    previous = case.line(line.category)
    updated = replace(case, lines=sorted_lines(others + [line]), version=case.version + 1)
    detail = {"category": line.category.value, "requested_amount": line.requested_amount,
              "approved_amount": line.approved_amount, "approved_total": total,
              "previous": None if previous is None else {"requested_amount": previous.requested_amount,
                                                         "approved_amount": previous.approved_amount}}
    return updated, Decision(now, Action.SET_LINE.value, case.status, case.status, Actor.of(actor), detail, note)


def issue_report(case: BudgetReviewCase, *, actor: Identity, now: datetime) -> tuple[BudgetReviewCase, Decision]:
    """R-REV-2: the budget review report (预算评审报告) with the approved budget, line by line.

    R-REV-3: a classified project's review cannot conclude before the Secrecy Bureau's secrecy review passed.
    """
    authorize(Action.ISSUE_REPORT, actor)
    _require_status(case, Action.ISSUE_REPORT)
    problems: list[Violation] = []
    total = case.approved_total
    if not case.lines:
        problems.append(Violation("R-REV-2", ("lines",), "the report needs at least one approved budget line"))
    estimate = case.approved_estimate
    if estimate is not None and total > estimate:
        problems.append(Violation(
            "R-REV-2", ("lines",),
            f"the approved lines total {_yuan(total)}, above the approved estimate of {_yuan(estimate)}; "
            f"lower a line first"))
    if case.classified and not case.secrecy.review_passed:
        state = "failed" if case.secrecy.review_id else "not passed yet"
        problems.append(Violation(
            "R-REV-3", ("projectId",),
            f"the project is classified (涉密) and the Secrecy Bureau's secrecy review has {state}; the budget "
            f"review cannot conclude before it passes"))
    if problems:
        raise DomainError(problems)
    target = TRANSITIONS[Action.ISSUE_REPORT].target
    updated = replace(case, status=target, approved_budget=total, reported_at=now, version=case.version + 1)
    detail = {"approved_budget": total, "approved_estimate": estimate,
              "lines": {line.category.value: line.approved_amount for line in case.lines}}
    return updated, Decision(now, Action.ISSUE_REPORT.value, case.status, target, Actor.of(actor), detail)


def record_classification(facts: SecrecyFacts, *, classified: bool, level: str | None,
                          decided_at: datetime) -> SecrecyFacts | None:
    """The Secrecy Bureau's latest classification decision wins; an older one arriving late changes nothing."""
    if facts.classification_decided_at is not None and decided_at <= facts.classification_decided_at:
        return None
    return replace(facts, classified=classified, level=level if classified else None,
                   classification_decided_at=decided_at)


def record_secrecy_review(facts: SecrecyFacts, *, passed: bool, review_id: str,
                          decided_at: datetime) -> SecrecyFacts | None:
    """The latest secrecy review (R-REV-3) decides whether the review may conclude; an older one is ignored."""
    if facts.review_decided_at is not None and decided_at <= facts.review_decided_at:
        return None
    return replace(facts, review_passed=passed, review_id=review_id, review_decided_at=decided_at)


def note_secrecy_fact(case: BudgetReviewCase, facts: SecrecyFacts, *, action: str, actor: Actor, now: datetime,
                      detail: dict, reason: str | None = None) -> tuple[BudgetReviewCase, Decision]:
    """A secrecy fact changes what the case may do (R-REV-3), not its status; the history records it."""
    updated = replace(case, secrecy=facts, version=case.version + 1)
    return updated, Decision(now, action, case.status, case.status, actor, detail, reason)
