"""Asset registration in the finance subgraph (R-FIN-7): the unit's mutations on its accepted project's register,
Finance's reminder and its list of unregistered projects. Resolvers are thin: build the command, run its handler,
map the outcome (`userErrors`, the rule id as code; the wrong department or unit is a FORBIDDEN error)."""
from __future__ import annotations

from datetime import timedelta

import strawberry

from services.finance.domain.assets import AssetCategory, AssetDetails
from services.finance.domain.permissions import PERMISSIONS, Command
from services.finance.graphql import asset_readers as readers
from services.finance.graphql import asset_types as t
from services.finance.service_layer import assets as handlers
from shared.auth import Department
from shared.clock import utc_now
from shared.graphql import Fen, UserError, decision, restricted, run_command


def grace(info: strawberry.Info) -> timedelta:
    """The grace period after acceptance, from the service's settings (ASSET_REGISTRATION_GRACE_DAYS)."""
    return timedelta(days=info.context.runtime.settings.asset_registration_grace_days)


@strawberry.input(description="One asset of an accepted project, as the unit's asset system holds it.")
class RegisterAssetInput:
    project_id: strawberry.ID
    category: t.AssetCategoryEnum
    name: str
    quantity: int = strawberry.field(description="How many items, from 1.")
    value: Fen = strawberry.field(description="The line's book value (入账价值), all its items together.")
    custodian: str
    location: str
    card_number: str = strawberry.field(description="The asset card number (资产卡片号), unique per unit.")


@strawberry.input(description="A correction of an asset line: the values given replace the line's; a reason is "
                              "required, and the trail keeps the line before and after.")
class CorrectAssetInput:
    asset_id: strawberry.ID
    reason: str
    category: t.AssetCategoryEnum | None = None
    name: str | None = None
    quantity: int | None = None
    value: Fen | None = None
    custodian: str | None = None
    location: str | None = None
    card_number: str | None = None


@strawberry.input
class WithdrawAssetInput:
    asset_id: strawberry.ID
    reason: str


@strawberry.input
class CompleteAssetRegistrationInput:
    project_id: strawberry.ID
    note: str | None = strawberry.field(default=None, description="Required when no asset is registered: why the "
                                                                  "project has none.")


@strawberry.input
class RemindAssetRegistrationInput:
    project_id: strawberry.ID
    note: str | None = None


@strawberry.type
class AssetPayload:
    asset: t.AssetLine | None
    user_errors: list[UserError]


@strawberry.type
class AssetRegisterPayload:
    asset_register: t.AssetRegister | None
    user_errors: list[UserError]


@strawberry.type
class AssetReminderPayload:
    reminder: t.AssetReminder | None
    user_errors: list[UserError]


def _asset_payload(result, errors) -> AssetPayload:
    return AssetPayload(asset=readers.line(result) if result else None, user_errors=errors)


@strawberry.type
class AssetQuery:
    @restricted([Department.FINANCE_BUREAU], action="listing unregistered project assets",
                description="R-FIN-7: accepted projects whose asset registration is not complete once the grace "
                            "period has passed, the longest waiting first.")
    async def unregistered_asset_projects(self, info: strawberry.Info,
                                          first: int = 50) -> list[t.UnregisteredAssetProject]:
        async with info.context.runtime.reads() as session:
            return await readers.unregistered(session, grace=grace(info), now=utc_now(),
                                              limit=max(1, min(first, 200)))


@strawberry.type
class AssetMutation:
    @decision(PERMISSIONS[Command.REGISTER_ASSET].departments,
              description="R-FIN-7: the project's unit (or a unit above it) registers one asset of its accepted "
                          "project.")
    async def register_asset(self, info: strawberry.Info, input: RegisterAssetInput) -> AssetPayload:
        details = AssetDetails(AssetCategory(input.category.value), input.name, input.quantity, input.value,
                               input.custodian, input.location, input.card_number)
        return _asset_payload(*await run_command(handlers.register_asset(
            info.context.runtime.uow, str(input.project_id), details, info.context.identity)))

    @decision(PERMISSIONS[Command.CORRECT_ASSET].departments,
              description="R-FIN-7: the unit corrects an asset line, with a reason; recorded, not overwritten.")
    async def correct_asset(self, info: strawberry.Info, input: CorrectAssetInput) -> AssetPayload:
        changes = {name: getattr(input, name) for name in ("name", "quantity", "value", "custodian", "location",
                                                           "card_number") if getattr(input, name) is not None}
        if input.category is not None:
            changes["category"] = AssetCategory(input.category.value)
        command = handlers.CorrectAsset(str(input.asset_id), changes, input.reason)
        return _asset_payload(*await run_command(handlers.correct_asset(
            info.context.runtime.uow, command, info.context.identity)))

    @decision(PERMISSIONS[Command.WITHDRAW_ASSET].departments,
              description="R-FIN-7: the unit withdraws an asset line registered in error, with a reason; the line "
                          "stays in the register, marked withdrawn.")
    async def withdraw_asset(self, info: strawberry.Info, input: WithdrawAssetInput) -> AssetPayload:
        return _asset_payload(*await run_command(handlers.withdraw_asset(
            info.context.runtime.uow, str(input.asset_id), input.reason, info.context.identity)))

    @decision(PERMISSIONS[Command.COMPLETE_ASSET_REGISTRATION].departments,
              description="R-FIN-7: the unit declares its project's asset registration complete; final.")
    async def complete_asset_registration(self, info: strawberry.Info,
                                          input: CompleteAssetRegistrationInput) -> AssetRegisterPayload:
        result, errors = await run_command(handlers.complete_registration(
            info.context.runtime.uow, str(input.project_id), input.note, info.context.identity))
        if errors:
            return AssetRegisterPayload(asset_register=None, user_errors=errors)
        async with info.context.runtime.reads() as session:
            registers = await readers.asset_registers(session, [result.project_id], grace=grace(info),
                                                      now=utc_now())
        return AssetRegisterPayload(asset_register=registers[result.project_id], user_errors=[])

    @decision(PERMISSIONS[Command.REMIND_ASSET_REGISTRATION].departments,
              description="R-FIN-7: Finance reminds the unit of a registration unfinished after the grace period; "
                          "announced as finance.asset_registration.reminded.v1.")
    async def remind_asset_registration(self, info: strawberry.Info,
                                        input: RemindAssetRegistrationInput) -> AssetReminderPayload:
        result, errors = await run_command(handlers.remind(
            info.context.runtime.uow, str(input.project_id), input.note, grace=grace(info),
            actor=info.context.identity))
        return AssetReminderPayload(reminder=readers.reminder(result) if result else None, user_errors=errors)
