"""The finance subgraph's asset-registration types (R-FIN-7): the project's asset register, its lines, Finance's
reminders, the registered value against the settled amount, and Finance's list of unregistered projects."""
from __future__ import annotations

from datetime import datetime
from typing import NewType

import strawberry
from graphql import GraphQLError

from services.finance.domain.asset_oversight import ValueBasis
from services.finance.domain.assets import AssetCategory, AssetLineStatus, RegistrationStatus
from services.finance.graphql.money_types import MoneyDecision
from shared.graphql import Fen

AssetCategoryEnum = strawberry.enum(AssetCategory, name="AssetCategory", description=(
    "R-FIN-7: hardware (硬件), software (软件), data resources (数据资源)."))
AssetLineStatusEnum = strawberry.enum(AssetLineStatus, name="AssetLineStatus", description=(
    "ACTIVE: counts in the register; WITHDRAWN: registered in error and withdrawn by the unit, with its reason."))
AssetRegistrationStatusEnum = strawberry.enum(RegistrationStatus, name="AssetRegistrationStatus", description=(
    "NOT_ACCEPTED: before completion acceptance; NOT_STARTED: accepted, nothing registered (or every line "
    "withdrawn); IN_PROGRESS: lines registered, not declared complete; COMPLETE: declared complete by the unit, "
    "final."))
AssetValueBasisEnum = strawberry.enum(ValueBasis, name="AssetValueBasis", description=(
    "What the registered value is checked against: Finance's settlement review (R-FIN-6) when there is one; else "
    "the contract sum at completion acceptance; else the investment at acceptance; NONE before acceptance."))


def _output_only(_value, _variables=None):
    raise GraphQLError("FenDifference is an output type", extensions={"code": "BAD_USER_INPUT"})


FenDifference = NewType("FenDifference", int)
FEN_DIFFERENCE_SCALAR = strawberry.scalar(
    name="FenDifference",
    description="A signed difference of two amounts in integer fen (分): negative when the first is smaller. "
                "Output only.",
    serialize=int, parse_value=_output_only, parse_literal=_output_only)


@strawberry.type(description="One asset line of a project's register (R-FIN-7).")
class AssetLine:
    id: strawberry.ID
    project_id: strawberry.ID
    category: AssetCategoryEnum
    name: str
    quantity: int
    value: Fen = strawberry.field(description="The line's book value (入账价值), all its items together.")
    custodian: str = strawberry.field(description="Who keeps it (保管人).")
    location: str = strawberry.field(description="Where it is (存放地点).")
    card_number: str = strawberry.field(description="The asset card number (资产卡片号) in the unit's asset system; "
                                                    "unique per unit among active lines.")
    status: AssetLineStatusEnum
    revision: int = strawberry.field(description="1 as registered; each correction adds one (the trail keeps "
                                                 "every version).")
    registered_at: datetime
    registered_by: str
    updated_at: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str | None


@strawberry.type(description="Finance's reminder to the unit of an asset registration unfinished after the grace "
                             "period (R-FIN-7).")
class AssetReminder:
    id: strawberry.ID
    reminded_at: datetime
    department: str
    actor: str
    note: str | None


@strawberry.type(description="The registered value against the settled amount (R-FIN-7, R-FIN-6).")
class AssetValueCheck:
    registered_value: Fen = strawberry.field(description="The active lines' values, added up.")
    basis: AssetValueBasisEnum
    settled_value: Fen | None = strawberry.field(description="The amount of the basis; null when there is none.")
    difference: FenDifference | None = strawberry.field(description="Registered minus settled, in fen.")
    matches: bool | None = strawberry.field(description="The difference is 0; null when there is no basis.")
    explanation: str = strawberry.field(description="Which amount the check uses, in words.")


@strawberry.type(description="The project's asset register (资产登记, R-FIN-7): the unit registers the assets after "
                             "completion acceptance; Finance oversees it.")
class AssetRegister:
    project_id: strawberry.ID
    status: AssetRegistrationStatusEnum
    accepted_at: datetime | None
    grace_ends_at: datetime | None = strawberry.field(
        description="The end of the grace period after acceptance (ASSET_REGISTRATION_GRACE_DAYS).")
    overdue: bool = strawberry.field(description="Not complete, and the grace period has passed.")
    lines: list[AssetLine] = strawberry.field(description="Every line, withdrawn ones included, oldest first.")
    registered_value: Fen
    completed_at: datetime | None
    completed_by: str | None
    completion_note: str | None
    reminders: list[AssetReminder]
    value_check: AssetValueCheck
    history: list[MoneyDecision] = strawberry.field(
        description="R-OVS-1: every decision on the register, oldest first, each chained to the one before by its "
                    "hash; a correction keeps the line before and after.")


@strawberry.type(description="An accepted project whose asset registration is not complete after the grace period "
                             "(R-FIN-7).")
class UnregisteredAssetProject:
    project_id: strawberry.ID
    code: str | None
    unit_id: str | None
    status: AssetRegistrationStatusEnum
    accepted_at: datetime
    grace_ended_at: datetime
    days_since_acceptance: int
    days_overdue: int = strawberry.field(description="Whole days since the grace period ended.")
    active_lines: int
    registered_value: Fen
    reminder_count: int
    last_reminded_at: datetime | None
