"""Events published by the finance service."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shared.events.envelope import EventPayload, event
from shared.money import Fen

__all__ = ["BudgetLine", "BudgetReviewOpened", "BudgetReviewReported"]


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
