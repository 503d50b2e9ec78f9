"""Sanctions (R-FIN-4, Art 21): on a finding of retention, interception, encroachment, misappropriation, false
listing or fraudulent obtaining of special funds, Finance reduces the budget (核减), stops further payments
(停止拨付) or orders the recovery of an amount (追回). Pure decisions; no I/O.

The basis of a sanction is an audit finding (the Audit Bureau's, received as an event) or a spot check of
Finance's own that found irregularities (R-FIN-5). For the six named violation types Finance must decide a
sanction; for OTHER findings a sanction is at Finance's discretion.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from services.finance.domain.funding import Ledger
from services.finance.domain.history import Actor
from services.finance.domain.oversight import SpotCheck
from services.finance.domain.trail import TrailEntry
from services.finance.domain.wording import amount_problems, clean, text_problems, yuan
from shared.errors import DomainError, Violation
from shared.events import ViolationType

NAMED_VIOLATIONS = frozenset(v for v in ViolationType if v is not ViolationType.OTHER)


class SanctionKind(str, Enum):
    REDUCE_BUDGET = "REDUCE_BUDGET"  # 核减
    STOP_PAYMENTS = "STOP_PAYMENTS"  # 停止拨付
    RECOVER = "RECOVER"  # 追回


@dataclass(frozen=True)
class Finding:
    """An audit finding as Finance received it (audit.finding.published.v1)."""

    finding_id: str
    project_id: str
    engagement_id: str
    violation_type: ViolationType
    amount: int
    summary: str
    published_at: datetime

    @property
    def requires_sanction(self) -> bool:
        return self.violation_type in NAMED_VIOLATIONS


@dataclass(frozen=True)
class Sanction:
    id: str
    project_id: str
    kind: SanctionKind
    amount: int  # the reduction or the sum to recover; 0 for a stop
    reason: str
    imposed_at: datetime
    actor: Actor
    finding_id: str | None = None
    spot_check_id: str | None = None


@dataclass(frozen=True)
class SanctionOrder:
    kind: SanctionKind
    amount: int
    reason: str


def basis_project(*, finding: Finding | None, spot_check: SpotCheck | None) -> str:
    """The sanction's basis: exactly one audit finding, or one concluded spot check that found irregularities.
    Returns the project it concerns."""
    if (finding is None) == (spot_check is None):
        raise DomainError(Violation("INVALID", ("input",), "name the basis: a findingId or a spotCheckId"))
    if finding is not None:
        return finding.project_id
    if spot_check.open or not spot_check.irregularities_found:
        state = "is still open" if spot_check.open else "found no irregularities"
        raise DomainError(Violation("R-FIN-4", ("input", "spotCheckId"),
                                    f"the spot check {state}; a sanction follows a finding of misuse"))
    return spot_check.project_id


def impose(ledger: Ledger, order: SanctionOrder, *, finding: Finding | None, spot_check_id: str | None,
           sanction_id: str, actor: Actor, now: datetime) -> tuple[Sanction, Ledger, TrailEntry]:
    """Decide the sanction on the project's current ledger (the caller holds its lock)."""
    problems = text_problems(order.reason, ("input", "reason"), rule="R-FIN-4", what="the reason", limit=2000)
    if order.kind is SanctionKind.STOP_PAYMENTS:
        if order.amount:
            problems.append(Violation("INVALID", ("input", "amount"), "a stop of payments takes no amount"))
        elif ledger.payments_stopped:
            problems.append(Violation("R-FIN-4", ("input", "kind"), "payments to this project are already stopped"))
    else:
        problems += amount_problems(order.amount, ("input", "amount"))
    if problems:
        raise DomainError(problems)
    if order.kind is SanctionKind.REDUCE_BUDGET and order.amount > ledger.remaining:
        raise DomainError(Violation(
            "R-FIN-4", ("input", "amount"),
            f"only {yuan(ledger.remaining)} of the approved budget is unpaid; a reduction cannot reach paid funds — "
            f"order their recovery (RECOVER) instead"))
    recoverable = ledger.paid - ledger.recovery_ordered
    if order.kind is SanctionKind.RECOVER and order.amount > recoverable:
        raise DomainError(Violation(
            "R-FIN-4", ("input", "amount"),
            f"{yuan(ledger.paid)} was paid and {yuan(ledger.recovery_ordered)} is already being recovered; at most "
            f"{yuan(recoverable)} can be recovered"))
    if order.kind is SanctionKind.REDUCE_BUDGET:
        updated = replace(ledger, reductions=ledger.reductions + order.amount)
    elif order.kind is SanctionKind.RECOVER:
        updated = replace(ledger, recovery_ordered=ledger.recovery_ordered + order.amount)
    else:
        updated = replace(ledger, payments_stopped=True)
    sanction = Sanction(sanction_id, ledger.project_id, order.kind, order.amount, clean(order.reason), now, actor,
                        finding.finding_id if finding else None, spot_check_id)
    detail = {"sanction_id": sanction_id, "kind": order.kind.value, "amount": order.amount,
              "finding_id": sanction.finding_id, "spot_check_id": spot_check_id,
              "violation_type": finding.violation_type.value if finding else None,
              "effective_budget": updated.effective_budget}
    return sanction, updated, TrailEntry(now, "IMPOSE_SANCTION", actor, detail, sanction.reason)
