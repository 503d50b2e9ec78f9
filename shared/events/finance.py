"""Events published by the finance service."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shared.events.envelope import EventPayload, event
from shared.money import Fen

__all__ = ["AssetRegistrationReminded", "BudgetLine", "BudgetReviewOpened", "BudgetReviewReported", "PaymentMade", "SanctionImposed",
           "SettlementReviewed", "SpecialFundPlanLine", "SpecialFundPlanApproved", "RewardGranted",
           "SpotCheckConcluded"]


class BudgetLine(BaseModel):
    """One line of a budget review report: equipment, system integration, supervision, testing, other (R-REV-2)."""

    model_config = ConfigDict(frozen=True)
    category: str
    amount: Fen


@event("finance.budget_review.opened.v1")
class BudgetReviewOpened(EventPayload):
    """Finance opened a budget-review case (预算评审) for an approved project."""

    project_id: str
    case_id: str
    status: str


@event("finance.budget_review.reported.v1")
class BudgetReviewReported(EventPayload):
    """The budget review report (预算评审报告): the approved budget, line by line (R-REV-2)."""

    project_id: str
    case_id: str
    approved_budget: Fen
    lines: list[BudgetLine]
    reported_at: datetime


@event("finance.payment.made.v1")
class PaymentMade(EventPayload):
    """A disbursement (支付) against the project's approved budget and the year's allocation (R-FIN-1)."""

    payment_id: str
    project_id: str
    year: int
    tranche: str
    purpose: str
    amount: Fen
    paid_at: datetime
    kind: str = "CONSTRUCTION"  # CONSTRUCTION, or OM: O&M funds, released by the rectification status (R-PER-2)


@event("finance.sanction.imposed.v1")
class SanctionImposed(EventPayload):
    """Finance reduced the budget, stopped payments or ordered recovery after an audit finding (R-FIN-4)."""

    sanction_id: str
    project_id: str
    finding_id: str | None
    kind: str  # REDUCE_BUDGET / STOP_PAYMENTS / RECOVER
    amount: Fen  # the reduction or the sum to recover; 0 for a stop
    imposed_at: datetime


@event("finance.settlement.reviewed.v1")
class SettlementReviewed(EventPayload):
    """Finance's settlement review (结决算评审) of a project below 20M yuan (R-FIN-6): the audit register's amount."""

    project_id: str
    settlement_amount: Fen
    reviewed_at: datetime


class SpecialFundPlanLine(BaseModel):
    """One project's allocation in a special-fund annual plan (R-PLN-2)."""

    model_config = ConfigDict(frozen=True)
    project_id: str
    amount: Fen


@event("finance.special_fund_plan.approved.v1")
class SpecialFundPlanApproved(EventPayload):
    """The Leading Group approved the special-fund annual plan of a jurisdiction and year, co-drafted by Finance and
    the Approval Bureau (R-PLN-2): projects draw special funds that year only through it."""

    plan_id: str
    jurisdiction: str
    year: int
    total: Fen
    lines: list[SpecialFundPlanLine]
    approved_at: datetime


@event("finance.reward.granted.v1")
class RewardGranted(EventPayload):
    """Finance granted a reward or subsidy (奖补) to a self-funded project after completion (R-FIN-3)."""

    project_id: str
    amount: Fen
    granted_at: datetime


@event("finance.spot_check.concluded.v1")
class SpotCheckConcluded(EventPayload):
    """Finance concluded a spot check of a project's fund use (R-FIN-5)."""

    spot_check_id: str
    project_id: str
    irregularities_found: bool
    concluded_at: datetime


@event("finance.asset_registration.reminded.v1")
class AssetRegistrationReminded(EventPayload):
    """Finance reminded a construction unit that its accepted project's assets are still unregistered after the
    grace period (R-FIN-7). Carries ids and dates only: it may concern a classified project."""

    reminder_id: str
    project_id: str
    unit_id: str | None
    accepted_at: datetime
    grace_ended_at: datetime
    reminded_at: datetime
