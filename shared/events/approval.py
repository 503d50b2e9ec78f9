"""Events published by the approval service (the project record and its lifecycle)."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from shared.events.envelope import EventPayload, event
from shared.money import Fen

__all__ = [
    "FundSourceAmount", "YearAmount", "ProjectEvent", "ProjectSubmitted", "ProjectApproved", "ProjectRejected",
    "ProjectRevised", "TechnicalReviewConcluded", "BudgetReviewRecorded", "ContractRecorded",
    "ConstructionStarted", "ChangeRequested", "ChangeApproved", "ChangeRejected", "UnauthorizedChangeRecorded",
    "InitialAcceptancePassed", "CompletionAcceptanceRequested", "CompletionAcceptanceRefused", "ProjectAccepted",
    "OperationStarted", "ProjectClosed", "PerformanceReviewed", "PublicationWithheld", "PublicationReleased",
]


class FundSourceAmount(BaseModel):
    model_config = ConfigDict(frozen=True)
    source: str
    amount: Fen


class YearAmount(BaseModel):
    model_config = ConfigDict(frozen=True)
    year: int
    amount: Fen


class ProjectEvent(EventPayload):
    """What every project event carries: the stable id and the code clerks quote."""

    project_id: str
    code: str


@event("approval.project.submitted.v1")
class ProjectSubmitted(ProjectEvent):
    """A construction unit submitted a project for approval (立项审查)."""

    unit_id: str
    unit_path: list[str]
    jurisdiction: str
    kind: str
    investment_estimate: Fen
    declared_classified: bool = False


@event("approval.project.approved.v1")
class ProjectApproved(ProjectEvent):
    """The Approval Bureau approved the project (立项审批)."""

    name: str | None  # None for a classified project: the name stays inside the secrecy boundary (R-SEC-2)
    unit_id: str
    unit_path: list[str]  # the unit and its parent units, for need-to-know checks in every service
    jurisdiction: str
    kind: str
    investment_estimate: Fen
    fund_sources: list[FundSourceAmount]
    classified: bool = False
    approved_at: datetime


@event("approval.project.rejected.v1")
class ProjectRejected(ProjectEvent):
    reasons: list[str]


@event("approval.project.revised.v1")
class ProjectRevised(ProjectEvent):
    """The unit took a rejected project back to draft to revise it (R-APP-2)."""


@event("approval.technical_review.concluded.v1")
class TechnicalReviewConcluded(ProjectEvent):
    """The review opinion (审查意见) of the technical review (R-REV-1): the basis of Finance's budget review."""

    approved_estimate: Fen
    classified: bool
    fund_sources: list[FundSourceAmount]
    cross_year: bool
    yearly_plan: list[YearAmount]  # R-APP-3: the yearly expenditure plan of a cross-year project
    concluded_at: datetime


@event("approval.project.budget_review_recorded.v1")
class BudgetReviewRecorded(ProjectEvent):
    """The approval service recorded Finance's budget review report; procurement may start (R-IMP-1)."""

    approved_budget: Fen


@event("approval.contract.recorded.v1")
class ContractRecorded(ProjectEvent):
    """Procurement ended in a contract, not above the approved budget (R-IMP-1)."""

    contract_id: str
    vendor_ids: list[str]
    contract_sum: Fen
    signed_on: date


@event("approval.construction.started.v1")
class ConstructionStarted(ProjectEvent):
    started_on: date


@event("approval.change.requested.v1")
class ChangeRequested(ProjectEvent):
    change_id: str


@event("approval.change.approved.v1")
class ChangeApproved(ProjectEvent):
    change_id: str


@event("approval.change.rejected.v1")
class ChangeRejected(ProjectEvent):
    change_id: str
    reasons: list[str]


@event("approval.change.unauthorized_recorded.v1")
class UnauthorizedChangeRecorded(ProjectEvent):
    """A change made without approval was found; it blocks completion acceptance (R-IMP-3)."""

    change_id: str


@event("approval.initial_acceptance.passed.v1")
class InitialAcceptancePassed(ProjectEvent):
    passed_on: date


@event("approval.completion_acceptance.requested.v1")
class CompletionAcceptanceRequested(ProjectEvent):
    requested_at: datetime


@event("approval.completion_acceptance.refused.v1")
class CompletionAcceptanceRefused(ProjectEvent):
    reasons: list[str]


@event("approval.project.accepted.v1")
class ProjectAccepted(ProjectEvent):
    """The project passed completion acceptance (竣工验收); it is sent to the Audit Bureau (R-AUD-3)."""

    unit_id: str
    unit_path: list[str]
    jurisdiction: str
    kind: str
    investment: Fen  # the approved estimate (DOMAIN.md, Money)
    approved_budget: Fen
    contract_sum: Fen
    self_funded: bool  # R-FIN-3: not decided by the city government; Finance may grant a reward or subsidy
    classified: bool
    accepted_at: datetime


@event("approval.operation.started.v1")
class OperationStarted(ProjectEvent):
    """Formal operation (正式运行) began (R-ACC-5), with its O&M arrangements (R-OPS-1)."""

    om_years: int  # whole years of the period (om_months // 12), as the first consumers read it
    operating_organisation: str
    om_annual_funding: Fen
    started_on: date
    om_months: int | None = None  # the agreed period in months (R-OPS-1: at least 36); absent in early events


@event("approval.project.closed.v1")
class ProjectClosed(ProjectEvent):
    reason: str


@event("approval.performance.reviewed.v1")
class PerformanceReviewed(ProjectEvent):
    """The Approval Bureau's experts reviewed a year's performance self-evaluation (R-PER-2). Finance releases O&M
    funds on the rectification status: NOT_NEEDED or DONE release them, ORDERED holds them."""

    year: int
    targets_met: bool
    rectification: str  # NOT_NEEDED / ORDERED / DONE
    reviewed_at: datetime


@event("approval.publication.withheld.v1")
class PublicationWithheld(ProjectEvent):
    """The Approval Bureau withheld the project from publication (R-PUB-1), citing the law that forbids its
    disclosure: every service stops showing it to the public. The reason is left out for a classified project."""

    law: str
    reason: str | None
    decided_at: datetime


@event("approval.publication.released.v1")
class PublicationReleased(ProjectEvent):
    """The Approval Bureau released a withheld project: it is published again if it is approved and not classified."""

    reason: str | None
    decided_at: datetime
