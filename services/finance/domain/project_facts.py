"""What other bureaus told Finance about a project's course, kept as Finance's own copy (fed by events): the
contract (R-IMP-1), completion acceptance (R-FIN-3, R-FIN-6), formal operation (R-OPS-1) and the performance
reviews with their rectification status (R-PER-2)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum


@dataclass(frozen=True)
class ContractFacts:
    contract_id: str
    contract_sum: int
    signed_on: date


@dataclass(frozen=True)
class AcceptanceFacts:
    accepted_at: datetime
    investment: int  # the approved estimate (DOMAIN.md, Money)
    approved_budget: int
    contract_sum: int
    self_funded: bool  # R-FIN-3: not decided by the city government


@dataclass(frozen=True)
class OperationFacts:
    started_on: date
    om_years: int
    om_annual_funding: int
    operating_organisation: str


class Rectification(str, Enum):
    NOT_NEEDED = "NOT_NEEDED"
    ORDERED = "ORDERED"
    DONE = "DONE"


@dataclass(frozen=True)
class PerformanceFacts:
    """The Approval Bureau's latest review of one year's performance self-evaluation (R-PER-2)."""

    year: int
    targets_met: bool
    rectification: Rectification
    reviewed_at: datetime


@dataclass(frozen=True)
class ProjectFacts:
    project_id: str
    contract: ContractFacts | None = None
    acceptance: AcceptanceFacts | None = None
    operation: OperationFacts | None = None
    performance: tuple[PerformanceFacts, ...] = ()


def outstanding_rectifications(performance: Iterable[PerformanceFacts]) -> list[int]:
    """The years whose rectification order (整改) is not done yet."""
    return sorted(p.year for p in performance if p.rectification is Rectification.ORDERED)


class OmFunds(str, Enum):
    """R-PER-2: whether O&M funds (运维经费) can be released now."""

    NOT_IN_OPERATION = "NOT_IN_OPERATION"
    RELEASED = "RELEASED"
    HELD = "HELD"


def om_funds(facts: ProjectFacts) -> OmFunds:
    """Released when every reviewed year's rectification is done or not needed; held while one is ordered.

    Before the first performance review of an operating project nothing is outstanding, so O&M funds are released:
    the first self-evaluation can only come after a year of operation, and the system must be run until then.
    """
    if facts.operation is None:
        return OmFunds.NOT_IN_OPERATION
    return OmFunds.HELD if outstanding_rectifications(facts.performance) else OmFunds.RELEASED
