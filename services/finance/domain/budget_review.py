"""Budget review (预算评审, R-REV-2): Finance's review of an approved project's budget, line by line.

The case's state is plain data; the decisions on it live in `decisions.py`, the transition table in `lifecycle.py`.
Money is integer fen throughout.
"""
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


class LineCategory(str, Enum):
    """R-REV-2 (Art 11): the cost lines a budget review approves. Declaration order is the report's line order."""

    EQUIPMENT = "EQUIPMENT"  # 设备价格
    SYSTEM_INTEGRATION = "SYSTEM_INTEGRATION"  # 系统集成造价
    SUPERVISION = "SUPERVISION"  # 工程监理造价
    THIRD_PARTY_TESTING = "THIRD_PARTY_TESTING"  # 第三方测评造价
    OTHER = "OTHER"  # 其他


CATEGORY_ORDER = {category: index for index, category in enumerate(LineCategory)}


@dataclass(frozen=True)
class BudgetLine:
    """One reviewed cost line: what the unit asked for, what Finance approves, and why."""

    category: LineCategory
    requested_amount: int  # fen
    approved_amount: int  # fen
    note: str | None = None


@dataclass(frozen=True)
class ReviewOpinion:
    """The technical review's opinion (审查意见, R-REV-1) as Finance received it: the basis of its review."""

    approved_estimate: int  # fen
    classified: bool
    fund_sources: tuple[tuple[str, int], ...]  # (FundSource value, fen), one per source
    cross_year: bool
    yearly_plan: tuple[tuple[int, int], ...]  # (budget year, fen), one per year (R-APP-3)
    concluded_at: datetime


@dataclass(frozen=True)
class SecrecyFacts:
    """What the Secrecy Bureau has told Finance about a project (R-REV-3). Classification is its fact."""

    classified: bool | None = None  # None: the Secrecy Bureau has not decided (yet)
    level: str | None = None
    classification_decided_at: datetime | None = None
    review_passed: bool = False
    review_id: str | None = None
    review_decided_at: datetime | None = None


@dataclass(frozen=True)
class BudgetReviewCase:
    id: str
    project_id: str
    status: BudgetReviewStatus
    opened_at: datetime
    opinion: ReviewOpinion | None = None
    lines: tuple[BudgetLine, ...] = ()
    approved_budget: int | None = None  # fen; set by the report
    reported_at: datetime | None = None
    version: int = 1
    # Facts other bureaus told Finance, attached when the case is loaded (not decided here):
    declared_classified: bool = False  # the approval event's flag
    unit_path: tuple[str, ...] = ()  # empty until the approval event arrives
    secrecy: SecrecyFacts = SecrecyFacts()

    @property
    def classified(self) -> bool:
        """The Secrecy Bureau's latest word wins; else the review opinion's flag; else the approval's."""
        if self.secrecy.classified is not None:
            return self.secrecy.classified
        if self.opinion is not None:
            return self.opinion.classified
        return self.declared_classified

    @property
    def approved_estimate(self) -> int | None:
        return self.opinion.approved_estimate if self.opinion else None

    @property
    def approved_total(self) -> int:
        """The sum of the approved amounts of the lines so far (fen)."""
        return sum(line.approved_amount for line in self.lines)

    def line(self, category: LineCategory) -> BudgetLine | None:
        return next((line for line in self.lines if line.category is category), None)


def open_case(*, case_id: str, project_id: str, now: datetime) -> BudgetReviewCase:
    return BudgetReviewCase(id=case_id, project_id=project_id, status=BudgetReviewStatus.WAITING_FOR_REVIEW_OPINION,
                            opened_at=now)


def sorted_lines(lines) -> tuple[BudgetLine, ...]:
    return tuple(sorted(lines, key=lambda line: CATEGORY_ORDER[line.category]))
