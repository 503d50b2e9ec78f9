"""Publicity (项目公开, Art 19; R-PUB-1): what the public sees of a project, and the Approval Bureau's decision to
withhold it.

A project is published from approval onwards unless it is classified (R-SEC-2: never) or the Approval Bureau has
withheld it, citing the law that forbids its disclosure and why. Withholding and releasing are actions of the
lifecycle table (Approval Bureau only), so each is a line in the project's history and an event on the bus.

The public view is built here, field by field, from the project and its history: nothing reaches the public that
this module does not name.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict

from services.approval.domain.dossier import ChangeStatus
from services.approval.domain.lifecycle import Action, ProjectStatus
from shared.errors import Violation
from shared.text import text_violations

# Before approval nothing is public: a submission may still be rejected and revised (R-APP-2).
UNPUBLISHED_STATUSES = frozenset({ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED})
PUBLISHED_STATUSES = frozenset(set(ProjectStatus) - UNPUBLISHED_STATUSES)


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Withholding(Record):
    """The Approval Bureau's decision that a law forbids publishing the project (R-PUB-1: 其他法律法规禁止公开)."""

    law: str  # the provision cited, e.g. 《政府信息公开条例》第十四条
    reason: str
    withheld_at: datetime


class WithholdPublication(Record):
    law: str
    reason: str


class ReleasePublication(Record):
    reason: str


def is_published(project) -> bool:
    """R-PUB-1 with R-SEC-2: approved, not classified, not withheld. The repository's SQL says the same."""
    return (project.status in PUBLISHED_STATUSES and not project.classified
            and getattr(project, "withholding", None) is None)


def v(message: str, *field: str) -> Violation:
    return Violation("R-PUB-1", tuple(field) or None, message)


def withhold_problems(project, command: WithholdPublication, _context) -> list[Violation]:
    if project.withholding is not None:
        return [v("the project's publication is already withheld; release it first to withhold it anew", "id")]
    return (text_violations(command.law, ("law",), line=True, required=True, rule="R-PUB-1",
                            what="the law that forbids disclosure")
            + text_violations(command.reason, ("reason",), required=True, rule="R-PUB-1", what="the reason"))


def release_problems(project, command: ReleasePublication, _context) -> list[Violation]:
    if project.withholding is None:
        return [v("the project's publication is not withheld", "id")]
    return text_violations(command.reason, ("reason",), required=True, rule="R-PUB-1", what="the reason")


GUARDS = {
    Action.WITHHOLD_PUBLICATION: withhold_problems,
    Action.RELEASE_PUBLICATION: release_problems,
}

EFFECTS = {
    Action.WITHHOLD_PUBLICATION: lambda p, c, now: (
        {"withholding": Withholding(law=c.law.strip(), reason=c.reason.strip(), withheld_at=now)},
        (c.reason.strip(),), f"publication withheld under {c.law.strip()}"),
    Action.RELEASE_PUBLICATION: lambda p, c, now: (
        {"withholding": None}, (c.reason.strip(),),
        f"publication released (had been withheld under {p.withholding.law})"),
}


# The public view ------------------------------------------------------------------------------------------------

class MilestoneKind(str, Enum):
    """A dated step of the lifecycle the public sees (from the project's history)."""

    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    TECHNICAL_REVIEW_PASSED = "TECHNICAL_REVIEW_PASSED"
    BUDGET_REVIEW_PASSED = "BUDGET_REVIEW_PASSED"
    CONTRACT_SIGNED = "CONTRACT_SIGNED"
    CONSTRUCTION_STARTED = "CONSTRUCTION_STARTED"
    INITIAL_ACCEPTANCE_PASSED = "INITIAL_ACCEPTANCE_PASSED"
    COMPLETION_ACCEPTANCE_REFUSED = "COMPLETION_ACCEPTANCE_REFUSED"
    COMPLETION_ACCEPTANCE_PASSED = "COMPLETION_ACCEPTANCE_PASSED"
    OPERATION_STARTED = "OPERATION_STARTED"
    CLOSED = "CLOSED"


MILESTONE_OF_ACTION = {
    Action.SUBMIT.value: MilestoneKind.SUBMITTED,
    Action.APPROVE.value: MilestoneKind.APPROVED,
    Action.CONCLUDE_TECHNICAL_REVIEW.value: MilestoneKind.TECHNICAL_REVIEW_PASSED,
    Action.RECORD_BUDGET_REVIEW.value: MilestoneKind.BUDGET_REVIEW_PASSED,
    Action.RECORD_CONTRACT.value: MilestoneKind.CONTRACT_SIGNED,
    Action.START_CONSTRUCTION.value: MilestoneKind.CONSTRUCTION_STARTED,
    Action.PASS_INITIAL_ACCEPTANCE.value: MilestoneKind.INITIAL_ACCEPTANCE_PASSED,
    Action.REFUSE_COMPLETION_ACCEPTANCE.value: MilestoneKind.COMPLETION_ACCEPTANCE_REFUSED,
    Action.PASS_COMPLETION_ACCEPTANCE.value: MilestoneKind.COMPLETION_ACCEPTANCE_PASSED,
    Action.START_OPERATION.value: MilestoneKind.OPERATION_STARTED,
    Action.CLOSE.value: MilestoneKind.CLOSED,
}
CHANGE_DECISIONS = (Action.APPROVE_CHANGE.value, Action.REJECT_CHANGE.value, Action.RECORD_UNAUTHORIZED_CHANGE.value)
# The history lines the public view is built from (the repository reads only these).
PUBLIC_HISTORY_ACTIONS = tuple(MILESTONE_OF_ACTION) + CHANGE_DECISIONS


class PublishedMilestone(Record):
    kind: MilestoneKind
    at: datetime


class PublishedFundShare(Record):
    source: str
    amount: int  # fen


class PublishedYearAmount(Record):
    year: int
    amount: int  # fen


class PublishedVendor(Record):
    vendor_id: str  # the unified social credit code (统一社会信用代码), itself public
    name: str


class PublishedContract(Record):
    contract_id: str
    vendors: tuple[PublishedVendor, ...]
    contract_sum: int  # fen
    signed_on: date


class PublishedChange(Record):
    """R-IMP-3: a change plan and the Approval Bureau's decision on it (or a change made without approval)."""

    change_id: str
    plan: str
    status: ChangeStatus
    reasons: tuple[str, ...]
    decided_at: datetime | None


class PublishedAcceptance(Record):
    """R-ACC-3, R-ACC-4: the results of initial and completion acceptance."""

    initial_acceptance_passed_at: datetime | None
    completion_acceptance_passed_at: datetime | None
    refusals: tuple[PublishedMilestone, ...]
    refusal_reasons: tuple[str, ...]  # of the latest refusal, while it stands


class PublishedOperation(Record):
    """R-OPS-1: the O&M arrangement."""

    om_months: int  # the agreed O&M period
    operating_organisation: str
    om_annual_funding: int  # fen
    started_on: date


class PublishedView(Record):
    id: str
    code: str
    name: str
    unit_id: str
    kind: str
    jurisdiction: str
    year: int
    status: ProjectStatus
    investment: int  # fen
    fund_sources: tuple[PublishedFundShare, ...]
    cross_year: bool
    yearly_plan: tuple[PublishedYearAmount, ...]
    milestones: tuple[PublishedMilestone, ...]
    contract: PublishedContract | None
    changes: tuple[PublishedChange, ...]
    acceptance: PublishedAcceptance | None
    operation: PublishedOperation | None


def _change_decided_at(change_id: str, history: Iterable) -> datetime | None:
    mentions = (f"change {change_id} ", f"unauthorized change {change_id}")
    return next((e.at for e in reversed(list(history))
                 if e.action in CHANGE_DECISIONS and (e.detail + " ").startswith(mentions)), None)


def published_view(project, history: Iterable, *, year: int) -> PublishedView:
    """The public's view of a published project. `history` is the project's history, oldest first (only the lines
    of PUBLIC_HISTORY_ACTIONS are used); `year` is the budget year of its code."""
    history = list(history)
    milestones = tuple(PublishedMilestone(kind=MILESTONE_OF_ACTION[e.action], at=e.at) for e in history
                       if e.action in MILESTONE_OF_ACTION)

    def last(kind: MilestoneKind) -> datetime | None:
        return next((m.at for m in reversed(milestones) if m.kind is kind), None)

    refusals = tuple(m for m in milestones if m.kind is MilestoneKind.COMPLETION_ACCEPTANCE_REFUSED)
    acceptance = None
    if project.initial_acceptance_report is not None or refusals or project.accepted_at is not None:
        acceptance = PublishedAcceptance(
            initial_acceptance_passed_at=last(MilestoneKind.INITIAL_ACCEPTANCE_PASSED),
            completion_acceptance_passed_at=project.accepted_at, refusals=refusals,
            refusal_reasons=tuple(project.refusal_reasons))
    contract = project.contract
    operation = project.operation
    return PublishedView(
        id=project.id, code=project.code, name=project.name, unit_id=project.unit_id, kind=project.kind.value,
        jurisdiction=project.jurisdiction, year=year, status=project.status, investment=project.investment,
        fund_sources=tuple(PublishedFundShare(source=s.source.value, amount=s.amount) for s in project.fund_sources),
        cross_year=project.dossier.cross_year,
        yearly_plan=tuple(PublishedYearAmount(year=y.year, amount=y.amount) for y in project.dossier.yearly_plan),
        milestones=milestones,
        contract=PublishedContract(
            contract_id=contract.contract_id, contract_sum=contract.contract_sum, signed_on=contract.signed_on,
            vendors=tuple(PublishedVendor(vendor_id=x.vendor_id, name=x.name) for x in contract.vendors))
        if contract else None,
        changes=tuple(PublishedChange(change_id=c.change_id, plan=c.plan, status=c.status, reasons=c.reasons,
                                      decided_at=_change_decided_at(c.change_id, history))
                      for c in project.changes),
        acceptance=acceptance,
        operation=PublishedOperation(om_months=_om_months(operation),
                                     operating_organisation=operation.operating_organisation,
                                     om_annual_funding=operation.om_annual_funding, started_on=operation.started_on)
        if operation else None)


def _om_months(operation) -> int:
    """The agreed O&M period in months (an operation recorded in whole years counts twelve a year)."""
    months = getattr(operation, "om_months", None)
    return months if months is not None else operation.om_years * 12
