"""Asset registration (R-FIN-7): the construction unit's commands on its accepted project's asset register, and
Finance's reminder, each in one unit of work: the register, its entries on Finance's decision trail and any outbox
event commit together, or nothing does."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from services.finance.adapters import trail_store
from services.finance.adapters.assets import AssetRepository
from services.finance.adapters.facts import FactsRepository
from services.finance.adapters.money_records import MoneyRecords
from services.finance.adapters.repository import BudgetReviewRepository
from services.finance.commands import visible
from services.finance.domain import asset_oversight, assets
from services.finance.domain.history import Actor
from services.finance.domain.permissions import Command, authorize, authorize_unit
from services.finance.domain.project_facts import ProjectFacts
from services.finance.domain.trail import TrailEntry
from services.finance.service_layer.common import UowFactory, retrying
from shared.auth import Identity
from shared.clock import utc_now
from shared.errors import DomainError, Violation
from shared.events import AssetRegistrationReminded
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class CorrectAsset:
    asset_id: str
    changes: dict  # AssetDetails field -> new value; the fields not named keep theirs
    reason: str


def _not_found(what: str, field: str) -> DomainError:
    return DomainError(Violation("NOT_FOUND", ("input", field), f"no {what} with this id is visible to you"))


@dataclass
class _Register:
    """One project's register as a command finds it, locked."""

    repository: AssetRepository
    registration: assets.AssetRegistration
    facts: ProjectFacts
    unit_id: str | None  # None only where no unit can act: a unit's command needs the unit in the project's path


async def _open(uow: UnitOfWork, project_id: str, command: Command, actor: Identity,
                field: str = "projectId") -> _Register:
    """Find the project, check the caller's unit (a unit above the project's counts), lock the register.

    The wrong unit is refused (FORBIDDEN) for an ordinary project, whose existence is no secret (R-PUB-1); of a
    classified project it learns nothing: it is not found (R-SEC-2)."""
    case = await BudgetReviewRepository(uow.session).get(project_id)
    if case is None or (case.classified and not visible(case, actor)):
        raise _not_found("project" if field == "projectId" else "asset", field)
    authorize_unit(command, actor, case.unit_path)
    repository = AssetRepository(uow.session)
    facts = await FactsRepository(uow.session).get(project_id)
    registration = await repository.lock(project_id)
    registration = replace(registration, accepted_at=facts.acceptance.accepted_at if facts.acceptance else None)
    # The project's unit, whose asset system numbers the cards (its path starts with it, should the approval's
    # copy of the project be missing).
    unit_id = await repository.unit_of(project_id) or next(iter(case.unit_path), None)
    return _Register(repository, registration, facts, unit_id)


async def _record(uow: UnitOfWork, register: _Register, registration: assets.AssetRegistration,
                  entries: list[TrailEntry]) -> None:
    """Save the locked registration with its trail entries chained on (R-OVS-1)."""
    await trail_store.append(uow.session, assets.asset_chain(registration.project_id), entries)
    await register.repository.save(registration)


async def register_asset(uow_factory: UowFactory, project_id: str, details: assets.AssetDetails,
                         actor: Identity) -> assets.AssetLine:
    """The unit registers one asset of its accepted project."""
    authorize(Command.REGISTER_ASSET, actor)

    async def attempt() -> assets.AssetLine:
        async with uow_factory() as uow:
            register = await _open(uow, project_id, Command.REGISTER_ASSET, actor)
            holder = await register.repository.card_holder(register.unit_id, details.card_number.strip())
            line, entry = assets.register_asset(register.registration, details, asset_id=str(uuid.uuid4()),
                                                unit_id=register.unit_id, card_holder=holder,
                                                actor=Actor.of(actor), now=utc_now())
            await register.repository.add_line(line)
            await _record(uow, register, register.registration, [entry])
            await uow.commit()
            return line

    return await retrying(attempt)  # a card number taken meanwhile (its unique index) is decided again


async def _open_line(uow: UnitOfWork, asset_id: str, command: Command, actor: Identity) -> _Register:
    project_id = await AssetRepository(uow.session).project_of_line(asset_id)
    if project_id is None:
        raise _not_found("asset", "assetId")
    return await _open(uow, project_id, command, actor, field="assetId")


async def correct_asset(uow_factory: UowFactory, command: CorrectAsset, actor: Identity) -> assets.AssetLine:
    """The unit corrects a line; the trail keeps it as it was and as it became, with the reason."""
    authorize(Command.CORRECT_ASSET, actor)

    async def attempt() -> assets.AssetLine:
        async with uow_factory() as uow:
            register = await _open_line(uow, command.asset_id, Command.CORRECT_ASSET, actor)
            card = command.changes.get("card_number")
            holder = None
            if isinstance(card, str) and card.strip():
                holder = await register.repository.card_holder(register.unit_id, card.strip(),
                                                               other_than=command.asset_id)
            line, entry = assets.correct_asset(register.registration, command.asset_id, command.changes,
                                               command.reason, card_holder=holder, actor=Actor.of(actor),
                                               now=utc_now())
            await register.repository.save_line(line)
            await _record(uow, register, register.registration, [entry])
            await uow.commit()
            return line

    return await retrying(attempt)


async def withdraw_asset(uow_factory: UowFactory, asset_id: str, reason: str, actor: Identity) -> assets.AssetLine:
    """The unit withdraws a line registered in error; it stays in the register, marked withdrawn."""
    authorize(Command.WITHDRAW_ASSET, actor)
    async with uow_factory() as uow:
        register = await _open_line(uow, asset_id, Command.WITHDRAW_ASSET, actor)
        line, entry = assets.withdraw_asset(register.registration, asset_id, reason, actor=Actor.of(actor),
                                            now=utc_now())
        await register.repository.save_line(line)
        await _record(uow, register, register.registration, [entry])
        await uow.commit()
        return line


async def complete_registration(uow_factory: UowFactory, project_id: str, note: str | None,
                                actor: Identity) -> assets.AssetRegistration:
    """The unit declares the registration complete; the trail keeps the registered value against the settled
    amount at that moment."""
    authorize(Command.COMPLETE_ASSET_REGISTRATION, actor)
    async with uow_factory() as uow:
        register = await _open(uow, project_id, Command.COMPLETE_ASSET_REGISTRATION, actor)
        registration = register.registration
        settlement = (await MoneyRecords(uow.session).settlements_of([project_id]))[project_id]
        check = asset_oversight.value_check(registration.registered_value, register.facts.acceptance, settlement)
        updated, entry = assets.complete_registration(registration, note, value_detail=check.as_detail(),
                                                      actor=Actor.of(actor), now=utc_now())
        await _record(uow, register, updated, [entry])
        await uow.commit()
        return updated


async def remind(uow_factory: UowFactory, project_id: str, note: str | None, *, grace: timedelta,
                 actor: Identity) -> asset_oversight.Reminder:
    """Finance reminds the unit of a registration unfinished after the grace period, announced on the bus."""
    authorize(Command.REMIND_ASSET_REGISTRATION, actor)
    async with uow_factory() as uow:
        register = await _open(uow, project_id, Command.REMIND_ASSET_REGISTRATION, actor)
        reminder, updated, entry = asset_oversight.remind(register.registration, grace=grace, note=note,
                                                          reminder_id=str(uuid.uuid4()), actor=Actor.of(actor),
                                                          now=utc_now())
        await register.repository.add_reminder(reminder)
        await _record(uow, register, updated, [entry])
        await uow.emit(AssetRegistrationReminded(
            reminder_id=reminder.id, project_id=project_id, unit_id=register.unit_id,
            accepted_at=updated.accepted_at,
            grace_ended_at=asset_oversight.grace_ends_at(updated.accepted_at, grace),
            reminded_at=reminder.reminded_at), subject=project_id)
        await uow.commit()
        return reminder
