"""Budget review (预算评审, R-REV-2): Finance's review of an approved project's budget, line by line."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class BudgetReviewStatus(str, Enum):
    # Opened when the project is approved; R-REV-2 works "on the basis of the review opinion" (R-REV-1),
    # so the case waits for the technical-review opinion before its line items can be reviewed.
    WAITING_FOR_REVIEW_OPINION = "WAITING_FOR_REVIEW_OPINION"
    IN_REVIEW = "IN_REVIEW"
    REPORTED = "REPORTED"


@dataclass(frozen=True)
class BudgetReviewCase:
    id: str
    project_id: str
    status: BudgetReviewStatus
    opened_at: datetime


def open_case(*, case_id: str, project_id: str, now: datetime) -> BudgetReviewCase:
    return BudgetReviewCase(id=case_id, project_id=project_id, status=BudgetReviewStatus.WAITING_FOR_REVIEW_OPINION,
                            opened_at=now)
