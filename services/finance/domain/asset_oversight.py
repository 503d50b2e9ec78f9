"""Finance's oversight of asset registration (R-FIN-7): the grace period after completion acceptance, after which
an unfinished registration is listed and may be reminded, and the registered value checked against the settled
amount. Pure; no I/O."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from services.finance.domain.assets import RULE, AssetAction, AssetRegistration, RegistrationStatus, require
from services.finance.domain.history import Actor
from services.finance.domain.oversight import SettlementReview
from services.finance.domain.project_facts import AcceptanceFacts
from services.finance.domain.trail import TrailEntry
from services.finance.domain.wording import clean, yuan
from shared.errors import DomainError, Violation
from shared.money import MAJOR_THRESHOLD_FEN
from shared.text import text_violations

NOTE_MAX = 2000


def grace_ends_at(accepted_at: datetime, grace: timedelta) -> datetime:
    return accepted_at + grace


def grace_passed(accepted_at: datetime, grace: timedelta, now: datetime) -> bool:
    """The grace period has passed once its last instant is behind: at `accepted_at + grace` itself it has not."""
    return now > grace_ends_at(accepted_at, grace)


def whole_days(since: datetime, now: datetime) -> int:
    return max(0, (now - since).days)


def overdue(registration: AssetRegistration, grace: timedelta, now: datetime) -> bool:
    """Accepted, not complete, and past the grace period: what Finance lists as unregistered."""
    return (registration.status in (RegistrationStatus.NOT_STARTED, RegistrationStatus.IN_PROGRESS)
            and grace_passed(registration.accepted_at, grace, now))


@dataclass(frozen=True)
class Reminder:
    id: str
    project_id: str
    reminded_at: datetime
    actor: Actor
    note: str | None


def remind(registration: AssetRegistration, *, grace: timedelta, note: str | None, reminder_id: str, actor: Actor,
           now: datetime) -> tuple[Reminder, AssetRegistration, TrailEntry]:
    """Finance reminds the unit of a registration still unfinished after the grace period."""
    problems = text_violations(note, ("input", "note"), limit=NOTE_MAX, rule=RULE, what="the note")
    if problems:
        raise DomainError(problems)
    if registration.status is RegistrationStatus.COMPLETE:
        raise DomainError(Violation(RULE, ("input", "projectId"),
                                    f"the unit declared the asset registration complete on "
                                    f"{registration.completed_at:%Y-%m-%d}; there is nothing to remind"))
    require(registration, AssetAction.REMIND_ASSET_REGISTRATION, ("input", "projectId"))
    ends = grace_ends_at(registration.accepted_at, grace)
    if not grace_passed(registration.accepted_at, grace, now):
        raise DomainError(Violation(RULE, ("input", "projectId"),
                                    f"the unit is still inside its grace period of {grace.days} days after "
                                    f"acceptance, until {ends:%Y-%m-%d %H:%M} UTC; a reminder comes after it"))
    reminder = Reminder(reminder_id, registration.project_id, now, actor, clean(note))
    updated = replace(registration, reminder_count=registration.reminder_count + 1, last_reminded_at=now)
    detail = {"reminder_id": reminder_id, "accepted_at": registration.accepted_at.isoformat(),
              "grace_ended_at": ends.isoformat(), "days_since_acceptance": whole_days(registration.accepted_at, now),
              "status": registration.status.value, "reminder_count": updated.reminder_count}
    return reminder, updated, TrailEntry(now, AssetAction.REMIND_ASSET_REGISTRATION.value, actor, detail,
                                         reminder.note)


class ValueBasis(str, Enum):
    """What the registered value is checked against, best first."""

    SETTLEMENT_REVIEW = "SETTLEMENT_REVIEW"  # Finance's settlement review (结决算评审, R-FIN-6)
    CONTRACT_SUM = "CONTRACT_SUM"  # the contract sum reported at completion acceptance
    ACCEPTED_INVESTMENT = "ACCEPTED_INVESTMENT"  # the investment at acceptance, when no contract sum was reported
    NONE = "NONE"  # not accepted yet: no basis


@dataclass(frozen=True)
class ValueCheck:
    registered_value: int
    basis: ValueBasis
    settled_value: int | None
    explanation: str

    @property
    def difference(self) -> int | None:
        """Registered minus settled, in fen: negative when less is registered than was settled."""
        return None if self.settled_value is None else self.registered_value - self.settled_value

    @property
    def matches(self) -> bool | None:
        return None if self.settled_value is None else self.difference == 0

    def as_detail(self) -> dict:
        return {"basis": self.basis.value, "settled_value": self.settled_value, "difference": self.difference}


def value_check(registered_value: int, acceptance: AcceptanceFacts | None,
                settlement: SettlementReview | None) -> ValueCheck:
    """The registered value against the settled amount: the settlement review's amount when Finance reviewed
    one; else the contract sum at acceptance; else the accepted investment; before acceptance, nothing."""
    if settlement is not None:
        return ValueCheck(registered_value, ValueBasis.SETTLEMENT_REVIEW, settlement.settlement_amount,
                          f"the settlement amount of Finance's settlement review (结决算评审) of "
                          f"{settlement.reviewed_at:%Y-%m-%d}, {yuan(settlement.settlement_amount)}")
    if acceptance is None:
        return ValueCheck(registered_value, ValueBasis.NONE, None,
                          "no basis yet: the project has not passed completion acceptance")
    if acceptance.investment >= MAJOR_THRESHOLD_FEN:
        missing = "Finance does not review its settlement: a project of 20,000,000 yuan or more is audited in full"
    else:
        missing = "Finance has not reviewed its settlement (R-FIN-6) yet"
    if acceptance.contract_sum > 0:
        return ValueCheck(registered_value, ValueBasis.CONTRACT_SUM, acceptance.contract_sum,
                          f"the contract sum at completion acceptance, {yuan(acceptance.contract_sum)}: {missing}")
    return ValueCheck(registered_value, ValueBasis.ACCEPTED_INVESTMENT, acceptance.investment,
                      f"the investment at completion acceptance, {yuan(acceptance.investment)}, as no contract sum "
                      f"was reported: {missing}")
