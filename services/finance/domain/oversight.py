"""Finance's oversight of a finished project and of fund use: the settlement review of projects below 20M yuan
(结决算评审, R-FIN-6), the reward or subsidy for a self-funded project after completion (奖补, R-FIN-3), and spot
checks of any project's fund use (重点抽查, R-FIN-5). Pure decisions; no I/O."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.finance.domain.history import Actor
from services.finance.domain.project_facts import ProjectFacts
from services.finance.domain.trail import TrailEntry
from services.finance.domain.wording import amount_problems, clean, text_problems, yuan
from shared.errors import DomainError, Violation
from shared.money import MAJOR_THRESHOLD_FEN

TEXT_LIMIT = 4000


@dataclass(frozen=True)
class SettlementReview:
    project_id: str
    settlement_amount: int
    note: str | None
    reviewed_at: datetime
    actor: Actor


@dataclass(frozen=True)
class Reward:
    project_id: str
    amount: int
    reason: str
    granted_at: datetime
    actor: Actor


@dataclass(frozen=True)
class SpotCheck:
    id: str
    project_id: str
    scope: str
    opened_at: datetime
    opened_by: Actor
    concluded_at: datetime | None = None
    irregularities_found: bool | None = None
    result: str | None = None
    concluded_by: Actor | None = None

    @property
    def open(self) -> bool:
        return self.concluded_at is None


def review_settlement(facts: ProjectFacts, existing: SettlementReview | None, *, amount: int, note: str | None,
                      actor: Actor, now: datetime) -> tuple[SettlementReview, TrailEntry]:
    """R-FIN-6: Finance reviews the settlement of an accepted project below 20M yuan. 20M itself is not below:
    "2000万元以上" includes it (DOMAIN.md, Money), so such a project is audited in full (R-AUD-1)."""
    problems = amount_problems(amount, ("input", "settlementAmount"))
    problems += text_problems(note, ("input", "note"), rule="INVALID", what="the note", limit=TEXT_LIMIT,
                              required=False)
    if problems:
        raise DomainError(problems)
    if facts.acceptance is None:
        raise DomainError(Violation("R-FIN-6", ("input", "projectId"),
                                    "the project has not passed completion acceptance (竣工验收); its settlement "
                                    "comes after"))
    investment = facts.acceptance.investment
    if investment >= MAJOR_THRESHOLD_FEN:
        raise DomainError(Violation(
            "R-FIN-6", ("input", "projectId"),
            f"the investment of {yuan(investment)} is not below 20,000,000 yuan: Finance reviews settlements of "
            f"projects below it; this one is audited in full (R-AUD-1)"))
    if existing is not None:
        raise DomainError(Violation("R-FIN-6", ("input", "projectId"),
                                    f"the settlement was reviewed on {existing.reviewed_at:%Y-%m-%d} at "
                                    f"{yuan(existing.settlement_amount)}; a settlement review is final"))
    review = SettlementReview(facts.project_id, amount, clean(note), now, actor)
    detail = {"settlement_amount": amount, "investment": investment,
              "contract_sum": facts.acceptance.contract_sum}
    return review, TrailEntry(now, "REVIEW_SETTLEMENT", actor, detail, review.note)


def grant_reward(facts: ProjectFacts, existing: Reward | None, *, amount: int, reason: str, actor: Actor,
                 now: datetime) -> tuple[Reward, TrailEntry]:
    """R-FIN-3 (Art 7): a project not decided by the city government is funded by its unit; after it is built
    Finance may grant a reward or subsidy. Once per project, and never more than the project's investment."""
    problems = amount_problems(amount, ("input", "amount"))
    problems += text_problems(reason, ("input", "reason"), rule="R-FIN-3", what="the reason", limit=TEXT_LIMIT)
    if problems:
        raise DomainError(problems)
    acceptance = facts.acceptance
    if acceptance is None:
        raise DomainError(Violation("R-FIN-3", ("input", "projectId"),
                                    "a reward or subsidy comes after completion acceptance (项目建成后)"))
    if not acceptance.self_funded:
        raise DomainError(Violation("R-FIN-3", ("input", "projectId"),
                                    "the project was decided by the city government and funded by it; rewards and "
                                    "subsidies are for self-funded projects"))
    if existing is not None:
        raise DomainError(Violation("R-FIN-3", ("input", "projectId"),
                                    f"a reward of {yuan(existing.amount)} was granted on "
                                    f"{existing.granted_at:%Y-%m-%d}"))
    if amount > acceptance.investment:
        raise DomainError(Violation("R-FIN-3", ("input", "amount"),
                                    f"{yuan(amount)} is above the project's investment of "
                                    f"{yuan(acceptance.investment)}"))
    reward = Reward(facts.project_id, amount, clean(reason), now, actor)
    return reward, TrailEntry(now, "GRANT_REWARD", actor, {"amount": amount}, reward.reason)


def open_spot_check(project_id: str, *, scope: str, check_id: str, actor: Actor,
                    now: datetime) -> tuple[SpotCheck, TrailEntry]:
    """R-FIN-5: Finance may spot-check any project's fund use, at any stage."""
    problems = text_problems(scope, ("input", "scope"), rule="R-FIN-5", what="what the check covers",
                             limit=TEXT_LIMIT)
    if problems:
        raise DomainError(problems)
    check = SpotCheck(check_id, project_id, clean(scope), now, actor)
    return check, TrailEntry(now, "OPEN_SPOT_CHECK", actor, {"spot_check_id": check_id}, check.scope)


def record_spot_check_result(check: SpotCheck, *, irregularities_found: bool, result: str, actor: Actor,
                             now: datetime) -> tuple[SpotCheck, TrailEntry]:
    problems = text_problems(result, ("input", "result"), rule="R-FIN-5", what="the result", limit=TEXT_LIMIT)
    if problems:
        raise DomainError(problems)
    if not check.open:
        raise DomainError(Violation("R-FIN-5", ("input", "spotCheckId"),
                                    f"the spot check was concluded on {check.concluded_at:%Y-%m-%d}; its result is "
                                    f"final"))
    updated = replace(check, concluded_at=now, irregularities_found=irregularities_found, result=clean(result),
                      concluded_by=actor)
    detail = {"spot_check_id": check.id, "irregularities_found": irregularities_found}
    return updated, TrailEntry(now, "RECORD_SPOT_CHECK_RESULT", actor, detail, updated.result)
