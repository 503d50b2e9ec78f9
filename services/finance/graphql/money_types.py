"""The finance subgraph's money types: fund plan, payments, balance, sanctions, settlement, reward, spot checks,
special-fund plans and the money trail. All amounts are integer fen (the Fen scalar)."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from services.finance.domain.disbursement import TrancheKind
from services.finance.domain.project_facts import OmFunds
from services.finance.domain.sanctions import SanctionKind
from services.finance.domain.special_fund_plan import PlanStatus
from shared.events import ViolationType
from shared.graphql import Fen

TrancheKindEnum = strawberry.enum(TrancheKind, name="TrancheKind", description=(
    "CONSTRUCTION: construction funds (建设资金); OM: operation and maintenance funds (运维经费), released by the "
    "performance rectification status (R-PER-2)."))
SanctionKindEnum = strawberry.enum(SanctionKind, name="SanctionKind", description=(
    "R-FIN-4: reduce the budget (核减), stop further payments (停止拨付), recover an amount (追回)."))
PlanStatusEnum = strawberry.enum(PlanStatus, name="SpecialFundPlanStatus", description=(
    "DRAFTING: Finance and the Approval Bureau draft and sign; SUBMITTED: both signed, with the Leading Group; "
    "APPROVED: projects draw the year's special funds through it (R-PLN-2)."))
OmFundsEnum = strawberry.enum(OmFunds, name="OmFundsStatus", description=(
    "R-PER-2: RELEASED when every reviewed year's rectification is done or not needed (and before the first "
    "review); HELD while a rectification is ordered; NOT_IN_OPERATION before formal operation."))
ViolationTypeEnum = strawberry.enum(ViolationType, name="FindingViolationType", description=(
    "R-FIN-4: retention (滞留), interception (截留), encroachment (挤占), misappropriation (挪用), false listing "
    "(虚列), fraudulent obtaining (套取), or OTHER."))


@strawberry.enum(name="SpotCheckStatus")
class SpotCheckStatus(Enum):
    OPEN = "OPEN"
    CONCLUDED = "CONCLUDED"


@strawberry.type(description="One decision on a project's money or a special-fund plan: who, when, what, why "
                             "(R-OVS-1).")
class MoneyDecision:
    at: datetime
    action: str
    department: str
    unit: str | None
    actor: str
    detail: JSON
    reason: str | None
    entry_hash: str = strawberry.field(description="This entry's hash on Finance's decision trail (financeTrail).")


@strawberry.type(description="A year of the application's expenditure plan (R-APP-3), as the technical review "
                             "opinion states it.")
class PlannedExpenditure:
    year: int
    amount: Fen


@strawberry.type(description="A year's allocation set by Finance by progress (R-FIN-2), and what was paid from it.")
class FundAllocation:
    year: int
    amount: Fen
    paid: Fen
    om_paid: Fen = strawberry.field(description="Of `paid`, O&M funds (运维经费).")
    available: Fen = strawberry.field(description="The allocation not yet paid.")
    progress_note: str | None
    plan_status: PlanStatusEnum | None = strawberry.field(
        description="The status of the year's special-fund plan of the project's jurisdiction; null if none yet.")
    in_approved_plan: bool = strawberry.field(
        description="R-PLN-2: the project draws this year's funds only through the approved plan.")


@strawberry.type(description="The project's fund plan: one application (一次申请) funded by year according to "
                             "progress (分年按进度安排, R-APP-3 / R-FIN-2).")
class FundPlan:
    project_id: strawberry.ID
    cross_year: bool
    approved_budget: Fen | None = strawberry.field(
        description="The budget review report's approved budget (预算评审报告); null until it is issued.")
    effective_budget: Fen = strawberry.field(description="The approved budget after reductions (R-FIN-4).")
    yearly_plan: list[PlannedExpenditure]
    allocations: list[FundAllocation]
    allocated_total: Fen


@strawberry.type(description="A disbursement (支付, R-FIN-1): project, tranche and purpose, under the client's key.")
class Payment:
    id: strawberry.ID
    project_id: strawberry.ID
    year: int = strawberry.field(description="The budget year (Asia/Shanghai) whose allocation it drew on.")
    kind: TrancheKindEnum
    tranche: str
    purpose: str
    amount: Fen
    paid_at: datetime
    idempotency_key: str
    department: str
    actor: str


@strawberry.type(description="The project's account: approved budget minus sanctions minus what was paid.")
class FinanceBalance:
    approved_budget: Fen | None
    reductions: Fen = strawberry.field(description="REDUCE_BUDGET sanctions (核减), added up.")
    effective_budget: Fen
    paid: Fen
    remaining: Fen = strawberry.field(description="Approved budget minus reductions minus paid: what may still be "
                                                  "paid (R-FIN-1).")
    recovery_ordered: Fen = strawberry.field(description="RECOVER sanctions (追回), added up.")
    payments_stopped: bool = strawberry.field(description="A STOP_PAYMENTS sanction (停止拨付) is in force.")
    om_funds: OmFundsEnum


@strawberry.type(description="An audit finding as Finance received it from the Audit Bureau (R-FIN-4).")
class FinanceAuditFinding:
    finding_id: strawberry.ID
    project_id: strawberry.ID
    engagement_id: str
    violation_type: ViolationTypeEnum
    amount: Fen
    summary: str
    published_at: datetime
    requires_sanction: bool = strawberry.field(
        description="One of the six named violations: Finance must decide a sanction; OTHER: at its discretion.")


@strawberry.type(description="A sanction (R-FIN-4) on an audit finding or on a spot check that found misuse.")
class Sanction:
    id: strawberry.ID
    project_id: strawberry.ID
    kind: SanctionKindEnum
    amount: Fen = strawberry.field(description="The reduction or the sum to recover; 0 for a stop.")
    reason: str
    imposed_at: datetime
    finding_id: strawberry.ID | None
    spot_check_id: strawberry.ID | None
    department: str
    actor: str


@strawberry.type(description="Finance's settlement review (结决算评审) of a project below 20M yuan (R-FIN-6).")
class FinanceSettlementReview:
    settlement_amount: Fen
    note: str | None
    reviewed_at: datetime


@strawberry.type(description="A reward or subsidy (奖补) for a self-funded project after completion (R-FIN-3).")
class RewardGrant:
    amount: Fen
    reason: str
    granted_at: datetime


@strawberry.type(description="A spot check of a project's fund use (重点抽查, R-FIN-5).")
class SpotCheck:
    id: strawberry.ID
    project_id: strawberry.ID
    status: SpotCheckStatus
    scope: str
    opened_at: datetime
    concluded_at: datetime | None
    irregularities_found: bool | None
    result: str | None


@strawberry.type(description="One project's line in a special-fund plan; a project the caller may not see "
                             "(R-SEC-2) shows its amount only.")
class SpecialFundPlanLine:
    project_id: strawberry.ID | None
    amount: Fen


@strawberry.type(description="A drafting department's signature on the plan (R-PLN-2).")
class PlanSignature:
    department: str
    actor: str
    signed_at: datetime


@strawberry.type(description="The special-fund annual plan (专项资金年度计划) of a jurisdiction and year (R-PLN-2).")
class SpecialFundPlan:
    id: strawberry.ID
    jurisdiction: str
    year: int
    status: PlanStatusEnum
    total: Fen
    lines: list[SpecialFundPlanLine]
    signatures: list[PlanSignature]
    drafted_at: datetime | None
    submitted_at: datetime | None
    decided_at: datetime | None
    return_reason: str | None
    history: list[MoneyDecision]
