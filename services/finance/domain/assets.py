"""Asset registration (资产登记, R-FIN-7, Article 5): after completion acceptance the construction unit registers
the project's assets (hardware, software, data resources) under the asset-management rules, line by line, and
declares the registration complete; Finance oversees it (`asset_oversight.py`).

A line is never overwritten silently: a correction or a withdrawal names its reason, and the trail entry keeps the
line as it was and as it became. Pure decisions; no I/O. Money is integer fen.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from enum import Enum

from services.finance.domain.history import Actor
from services.finance.domain.trail import Subject, TrailEntry
from services.finance.domain.wording import clean
from shared.errors import DomainError, Violation
from shared.money import MAX_FEN
from shared.text import INVALID, text_violations

RULE = "R-FIN-7"
NAME_MAX = 200
PLACE_MAX = 200  # custodian and location
CARD_NUMBER_MAX = 64
REASON_MAX = 2000
QUANTITY_MAX = 10_000_000
LINES_MAX = 1000  # lines of one project, withdrawn ones included: the register stays readable in one answer


def asset_chain(project_id: str) -> Subject:
    """The project's asset decisions, on Finance's trail (R-OVS-1) beside its money's."""
    return Subject("ASSET_REGISTRATION", project_id, project_id)


class AssetCategory(str, Enum):
    HARDWARE = "HARDWARE"  # 硬件
    SOFTWARE = "SOFTWARE"  # 软件
    DATA_RESOURCE = "DATA_RESOURCE"  # 数据资源


class AssetLineStatus(str, Enum):
    ACTIVE = "ACTIVE"
    WITHDRAWN = "WITHDRAWN"


class RegistrationStatus(str, Enum):
    NOT_ACCEPTED = "NOT_ACCEPTED"  # before completion acceptance: nothing to register yet
    NOT_STARTED = "NOT_STARTED"  # accepted; no asset registered (or every line withdrawn)
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"  # declared complete by the unit: final


class AssetAction(str, Enum):
    REGISTER_ASSET = "REGISTER_ASSET"
    CORRECT_ASSET = "CORRECT_ASSET"
    WITHDRAW_ASSET = "WITHDRAW_ASSET"
    COMPLETE_ASSET_REGISTRATION = "COMPLETE_ASSET_REGISTRATION"
    REMIND_ASSET_REGISTRATION = "REMIND_ASSET_REGISTRATION"


OPEN = frozenset({RegistrationStatus.NOT_STARTED, RegistrationStatus.IN_PROGRESS})
# The registration's lifecycle as data: the statuses each action may start from (who may take it: permissions.py).
SOURCES: dict[AssetAction, frozenset[RegistrationStatus]] = {
    AssetAction.REGISTER_ASSET: OPEN,
    AssetAction.CORRECT_ASSET: frozenset({RegistrationStatus.IN_PROGRESS}),
    AssetAction.WITHDRAW_ASSET: frozenset({RegistrationStatus.IN_PROGRESS}),
    AssetAction.COMPLETE_ASSET_REGISTRATION: OPEN,
    AssetAction.REMIND_ASSET_REGISTRATION: OPEN,  # and only once the grace period has passed
}


@dataclass(frozen=True)
class AssetDetails:
    """What the unit states about one asset line. `value` is the line's book value (入账价值) in fen, all items
    together; `card_number` is the asset card number (资产卡片号) in the unit's asset system, unique per unit."""

    category: AssetCategory
    name: str
    quantity: int
    value: int
    custodian: str
    location: str
    card_number: str

    def cleaned(self) -> "AssetDetails":
        return replace(self, name=clean(self.name), custodian=clean(self.custodian), location=clean(self.location),
                       card_number=clean(self.card_number))

    def as_detail(self) -> dict:
        return {**asdict(self), "category": self.category.value}


@dataclass(frozen=True)
class AssetLine:
    id: str
    project_id: str
    unit_id: str
    details: AssetDetails
    status: AssetLineStatus
    registered_at: datetime
    registered_by: Actor
    updated_at: datetime
    revision: int = 1  # 1 as registered; each correction adds one
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.status is AssetLineStatus.ACTIVE


@dataclass(frozen=True)
class AssetRegistration:
    """One project's asset register: its lines, whether the unit declared it complete, Finance's reminders."""

    project_id: str
    accepted_at: datetime | None = None  # Finance's copy of the completion acceptance (竣工验收)
    lines: tuple[AssetLine, ...] = ()
    completed_at: datetime | None = None
    completed_by: Actor | None = None
    completion_note: str | None = None
    reminder_count: int = 0
    last_reminded_at: datetime | None = None
    version: int = 1

    @property
    def active_lines(self) -> tuple[AssetLine, ...]:
        return tuple(line for line in self.lines if line.active)

    @property
    def registered_value(self) -> int:
        return sum(line.details.value for line in self.active_lines)

    @property
    def status(self) -> RegistrationStatus:
        if self.accepted_at is None:
            return RegistrationStatus.NOT_ACCEPTED
        if self.completed_at is not None:
            return RegistrationStatus.COMPLETE
        return RegistrationStatus.IN_PROGRESS if self.active_lines else RegistrationStatus.NOT_STARTED

    def line(self, asset_id: str) -> AssetLine | None:
        return next((line for line in self.lines if line.id == asset_id), None)


def require(registration: AssetRegistration, action: AssetAction, field: tuple[str, ...]) -> None:
    """Refuse (R-FIN-7) an action the registration's status does not allow, saying why."""
    status = registration.status
    if status in SOURCES[action]:
        return
    if status is RegistrationStatus.NOT_ACCEPTED:
        why = "the project has not passed completion acceptance (竣工验收); its assets are registered after it"
    elif status is RegistrationStatus.COMPLETE:
        why = (f"the unit declared the asset registration complete on {registration.completed_at:%Y-%m-%d}; "
               f"a completed registration is final")
    else:
        why = "no asset is registered yet"
    raise DomainError(Violation(RULE, field, why))


def details_problems(details: AssetDetails, at: tuple[str, ...] = ("input",)) -> list[Violation]:
    """Every stated value bounded, the same on SQLite and PostgreSQL: texts, quantity, value (shared/money.py)."""
    problems: list[Violation] = []
    for name, label, limit in (("name", "the asset's name", NAME_MAX), ("custodian", "the custodian (保管人)", PLACE_MAX),
                               ("location", "the location (存放地点)", PLACE_MAX),
                               ("cardNumber", "the asset card number (资产卡片号)", CARD_NUMBER_MAX)):
        value = getattr(details, "card_number" if name == "cardNumber" else name)
        problems += text_violations(value, (*at, name), line=True, limit=limit, required=True, rule=RULE,
                                    what=label)
    quantity = details.quantity
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= QUANTITY_MAX:
        problems.append(Violation(INVALID, (*at, "quantity"),
                                  f"the quantity is a whole number from 1 to {QUANTITY_MAX:,}"))
    value = details.value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEN:
        problems.append(Violation(INVALID, (*at, "value"), f"the value is integer fen (分) from 0 to {MAX_FEN}"))
    return problems


def _card_taken(card_holder: str | None, card_number: str) -> list[Violation]:
    """`card_holder`: the id of another active line of the unit that holds this card number, if any."""
    if card_holder is None:
        return []
    return [Violation(RULE, ("input", "cardNumber"),
                      f"asset card {card_number} is already registered by the unit (line {card_holder}); a card "
                      f"number names one asset in the unit's asset system")]


def register_asset(registration: AssetRegistration, details: AssetDetails, *, asset_id: str, unit_id: str,
                   card_holder: str | None, actor: Actor, now: datetime) -> tuple[AssetLine, TrailEntry]:
    """R-FIN-7: the unit registers one asset line of its accepted project."""
    details = details.cleaned()
    problems = details_problems(details)
    if problems:
        raise DomainError(problems)
    require(registration, AssetAction.REGISTER_ASSET, ("input", "projectId"))
    if len(registration.lines) >= LINES_MAX:
        raise DomainError(Violation(INVALID, ("input", "projectId"),
                                    f"a project's register holds at most {LINES_MAX} lines"))
    problems = _card_taken(card_holder, details.card_number)
    if problems:
        raise DomainError(problems)
    line = AssetLine(asset_id, registration.project_id, unit_id, details, AssetLineStatus.ACTIVE, now, actor, now)
    detail = {"asset_id": asset_id, **details.as_detail()}
    return line, TrailEntry(now, AssetAction.REGISTER_ASSET.value, actor, detail)


def _open_line(registration: AssetRegistration, asset_id: str, action: AssetAction) -> AssetLine:
    require(registration, action, ("input", "assetId"))
    line = registration.line(asset_id)
    if line is not None and not line.active:
        raise DomainError(Violation(RULE, ("input", "assetId"),
                                    f"the line was withdrawn on {line.withdrawn_at:%Y-%m-%d}; register the asset "
                                    f"again instead"))
    return line


def correct_asset(registration: AssetRegistration, asset_id: str, changes: dict, reason: str, *,
                  card_holder: str | None, actor: Actor, now: datetime) -> tuple[AssetLine, TrailEntry]:
    """The unit corrects a line: the values it names change, the reason is required, and the trail keeps the line
    as it was (`before`) and as it is now (`after`)."""
    names = {f.name for f in fields(AssetDetails)}
    unknown = set(changes) - names
    if unknown:
        raise ValueError(f"not asset details: {sorted(unknown)}")
    line = _open_line(registration, asset_id, AssetAction.CORRECT_ASSET)
    corrected = replace(line.details, **changes).cleaned()
    problems = details_problems(corrected)
    problems += text_violations(reason, ("input", "reason"), limit=REASON_MAX, required=True, rule=RULE,
                                what="the reason for the correction")
    if problems:
        raise DomainError(problems)
    if corrected == line.details:
        raise DomainError(Violation(INVALID, ("input",), "nothing to correct: the line already holds these values"))
    if corrected.card_number != line.details.card_number:
        problems = _card_taken(card_holder, corrected.card_number)
        if problems:
            raise DomainError(problems)
    updated = replace(line, details=corrected, revision=line.revision + 1, updated_at=now)
    detail = {"asset_id": asset_id, "revision": updated.revision, "before": line.details.as_detail(),
              "after": corrected.as_detail()}
    return updated, TrailEntry(now, AssetAction.CORRECT_ASSET.value, actor, detail, clean(reason))


def withdraw_asset(registration: AssetRegistration, asset_id: str, reason: str, *, actor: Actor,
                   now: datetime) -> tuple[AssetLine, TrailEntry]:
    """The unit withdraws a line registered in error: it stays in the register, marked withdrawn with the reason,
    and no longer counts (its card number is free again)."""
    problems = text_violations(reason, ("input", "reason"), limit=REASON_MAX, required=True, rule=RULE,
                               what="the reason for the withdrawal")
    if problems:
        raise DomainError(problems)
    line = _open_line(registration, asset_id, AssetAction.WITHDRAW_ASSET)
    updated = replace(line, status=AssetLineStatus.WITHDRAWN, withdrawn_at=now, withdrawal_reason=clean(reason),
                      updated_at=now)
    detail = {"asset_id": asset_id, "revision": line.revision, "withdrawn": line.details.as_detail()}
    return updated, TrailEntry(now, AssetAction.WITHDRAW_ASSET.value, actor, detail, updated.withdrawal_reason)


def complete_registration(registration: AssetRegistration, note: str | None, *, value_detail: dict, actor: Actor,
                          now: datetime) -> tuple[AssetRegistration, TrailEntry]:
    """The unit declares the registration complete. A project with no asset at all (e.g. a consulting project)
    says why in the note. `value_detail`: the registered value against the settled amount, kept on the trail."""
    problems = text_violations(note, ("input", "note"), limit=REASON_MAX, rule=RULE, what="the note")
    if problems:
        raise DomainError(problems)
    require(registration, AssetAction.COMPLETE_ASSET_REGISTRATION, ("input", "projectId"))
    if not registration.active_lines and not clean(note):
        raise DomainError(Violation(RULE, ("input", "note"),
                                    "no asset is registered: register the project's assets first, or say in the "
                                    "note why the project has none"))
    updated = replace(registration, completed_at=now, completed_by=actor, completion_note=clean(note))
    detail = {"lines": len(registration.active_lines), "registered_value": registration.registered_value,
              **value_detail}
    return updated, TrailEntry(now, AssetAction.COMPLETE_ASSET_REGISTRATION.value, actor, detail, clean(note))
