"""Disbursement (支付, R-FIN-1): a payment request against the project's approved budget and the year's
allocation in the approved special-fund plan. Pure decisions: the service layer holds the project's ledger lock
while it asks them, so that concurrent requests are decided one after another on the current figures.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from services.finance.domain.funding import Allocation, Ledger, record_payment
from services.finance.domain.history import Actor
from services.finance.domain.project_facts import OmFunds, ProjectFacts, om_funds, outstanding_rectifications
from services.finance.domain.special_fund_plan import SpecialFundPlan, draws_through
from services.finance.domain.trail import TrailEntry
from services.finance.domain.wording import amount_problems, text_problems, yuan
from shared.errors import DomainError, Violation

KEY_LIMIT = 100
TRANCHE_LIMIT = 100
PURPOSE_LIMIT = 500


class TrancheKind(str, Enum):
    CONSTRUCTION = "CONSTRUCTION"  # construction funds (建设资金): advance, progress, final payments
    OM = "OM"  # operation and maintenance funds (运维经费), released by the rectification status (R-PER-2)


@dataclass(frozen=True)
class PaymentRequest:
    project_id: str
    kind: TrancheKind
    tranche: str  # which tranche (e.g. "progress payment 2 of 4")
    purpose: str
    amount: int
    idempotency_key: str  # the client's own key: the same request twice pays once

    def normalised(self) -> "PaymentRequest":
        return PaymentRequest(self.project_id, self.kind, self.tranche.strip(), self.purpose.strip(), self.amount,
                              self.idempotency_key.strip())

    def content(self) -> tuple:
        return self.project_id, self.kind, self.tranche, self.purpose, self.amount


@dataclass(frozen=True)
class Payment:
    id: str
    idempotency_key: str
    project_id: str
    year: int
    kind: TrancheKind
    tranche: str
    purpose: str
    amount: int
    paid_at: datetime
    actor: Actor

    def content(self) -> tuple:
        return self.project_id, self.kind, self.tranche, self.purpose, self.amount


def request_problems(request: PaymentRequest) -> list[Violation]:
    """R-FIN-1: each payment names the project, the tranche and the purpose, under a key of the client's."""
    problems = amount_problems(request.amount, ("input", "amount"))
    problems += text_problems(request.tranche, ("input", "tranche"), rule="R-FIN-1", what="the tranche",
                              limit=TRANCHE_LIMIT)
    problems += text_problems(request.purpose, ("input", "purpose"), rule="R-FIN-1", what="the purpose",
                              limit=PURPOSE_LIMIT)
    problems += text_problems(request.idempotency_key, ("input", "idempotencyKey"), rule="INVALID",
                              what="the idempotency key", limit=KEY_LIMIT)
    return problems


def replay(existing: Payment, request: PaymentRequest) -> Payment:
    """The same key with the same content is the same request: it returns the first payment. The same key with
    different content is a mistake the clerk must see, never a second payment."""
    if existing.content() == request.content():
        return existing
    raise DomainError(Violation(
        "R-FIN-1", ("input", "idempotencyKey"),
        f"this idempotency key was used on {existing.paid_at:%Y-%m-%d %H:%M} UTC for another payment "
        f"({existing.kind.value} '{existing.tranche}', {yuan(existing.amount)}); use a new key for a new request"))


@dataclass(frozen=True)
class PaymentContext:
    ledger: Ledger
    facts: ProjectFacts
    year: int  # the budget year the payment is made in (Asia/Shanghai)
    allocation: Allocation | None
    plan: SpecialFundPlan | None


def _om_problems(request: PaymentRequest, context: PaymentContext) -> list[Violation]:
    facts = context.facts
    state = om_funds(facts)
    if state is OmFunds.NOT_IN_OPERATION:
        return [Violation("R-ACC-5", ("input", "kind"),
                          "O&M funds are for a project in formal operation (正式运行); this one is not yet")]
    if state is OmFunds.HELD:
        years = ", ".join(str(y) for y in outstanding_rectifications(facts.performance))
        return [Violation("R-PER-2", ("input", "kind"),
                          f"O&M funds are held: the performance rectification (整改) ordered for {years} is not "
                          f"done yet")]
    om_paid = context.allocation.om_paid if context.allocation else 0
    limit = facts.operation.om_annual_funding
    if om_paid + request.amount > limit:
        return [Violation("R-OPS-1", ("input", "amount"),
                          f"O&M payments in {context.year} would reach {yuan(om_paid + request.amount)}, above the "
                          f"yearly O&M funding of {yuan(limit)} agreed at the start of operation")]
    return []


def decide_payment(request: PaymentRequest, context: PaymentContext, *, payment_id: str, actor: Actor,
                   now: datetime) -> tuple[Payment, Ledger, Allocation, TrailEntry]:
    """Pay, or refuse with every rule that stands in the way. Nothing is decided on a stale ledger: the caller
    holds the project's ledger lock."""
    ledger = context.ledger
    if context.facts.contract is None:
        raise DomainError(Violation("R-FIN-1", ("input", "projectId"),
                                    "no contract is recorded for the project yet; payments follow the contract"))
    if ledger.approved_budget is None:
        raise DomainError(Violation("R-FIN-1", ("input", "projectId"),
                                    "the budget review report (预算评审报告) is not issued; there is no approved "
                                    "budget to pay from"))
    if ledger.payments_stopped:
        raise DomainError(Violation("R-FIN-4", ("input", "projectId"),
                                    "payments to this project are stopped (停止拨付) by a sanction"))
    problems = _om_problems(request, context) if request.kind is TrancheKind.OM else []
    through_plan = draws_through(context.plan, request.project_id, context.year)
    if through_plan is not None:
        raise DomainError(problems + [through_plan])
    allocation = context.allocation or Allocation(request.project_id, context.year, 0)
    limit = min(allocation.amount, context.plan.line(request.project_id).amount)
    if allocation.paid + request.amount > limit:
        problems.append(Violation(
            "R-FIN-1", ("input", "amount"),
            f"{yuan(request.amount)} would take the {context.year} payments to {yuan(allocation.paid + request.amount)}"
            f", above the year's allocation of {yuan(limit)} ({yuan(limit - allocation.paid)} left)"))
    if ledger.paid + request.amount > ledger.effective_budget:
        problems.append(Violation(
            "R-FIN-1", ("input", "amount"),
            f"{yuan(request.amount)} would take the payments to {yuan(ledger.paid + request.amount)}, above the "
            f"approved budget of {yuan(ledger.effective_budget)}" + (" after reductions" if ledger.reductions else "")
            + f" ({yuan(ledger.remaining)} left)"))
    if problems:
        raise DomainError(problems)
    payment = Payment(payment_id, request.idempotency_key, request.project_id, context.year, request.kind,
                      request.tranche, request.purpose, request.amount, now, actor)
    new_ledger, new_allocation = record_payment(ledger, allocation, request.amount,
                                                om=request.kind is TrancheKind.OM)
    detail = {"payment_id": payment_id, "year": context.year, "kind": request.kind.value,
              "tranche": request.tranche, "amount": request.amount, "paid_total": new_ledger.paid,
              "idempotency_key": request.idempotency_key}
    return payment, new_ledger, new_allocation, TrailEntry(now, "MAKE_PAYMENT", actor, detail, request.purpose)
