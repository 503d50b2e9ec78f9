"""Builders for the asset-registration tests (R-FIN-7), on SQLite here and PostgreSQL in tests/integration."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from services.finance.adapters import orm as finance_orm
from services.finance.adapters.asset_tables import asset_registrations, asset_reminders, project_assets
from shared.auth import Department, Identity
from shared.events import ProjectAccepted
from tests.unit.finance.money_support import BUDGET, UNIT, reported
from tests.unit.finance.support import FINANCE, T0, gql, wrap

ACCEPTED_AT = T0 + timedelta(days=200)
GRACE = timedelta(days=90)  # the default of ASSET_REGISTRATION_GRACE_DAYS
PARENT_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="city-government", subject="city-clerk")
SUBORDINATE_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="health-commission-it", subject="it-clerk",
                            parent_units=("health-commission", "city-government"))

REGISTER = """
mutation($input: RegisterAssetInput!) {
  registerAsset(input: $input) {
    asset { id projectId category name quantity value custodian location cardNumber status revision registeredBy }
    userErrors { code field message }
  }
}"""
CORRECT = """
mutation($input: CorrectAssetInput!) {
  correctAsset(input: $input) {
    asset { id name quantity value cardNumber status revision }
    userErrors { code field message }
  }
}"""
WITHDRAW = """
mutation($input: WithdrawAssetInput!) {
  withdrawAsset(input: $input) {
    asset { id status withdrawalReason withdrawnAt }
    userErrors { code field message }
  }
}"""
COMPLETE = """
mutation($input: CompleteAssetRegistrationInput!) {
  completeAssetRegistration(input: $input) {
    assetRegister { status completedBy completionNote registeredValue
                    valueCheck { basis settledValue difference matches } }
    userErrors { code field message }
  }
}"""
REMIND = """
mutation($input: RemindAssetRegistrationInput!) {
  remindAssetRegistration(input: $input) {
    reminder { id remindedAt department actor note }
    userErrors { code field message }
  }
}"""
REGISTER_OF = """
query($p: _Any!) {
  _entities(representations: [$p]) {
    ... on Project {
      assetRegister {
        status acceptedAt graceEndsAt overdue registeredValue completedAt completedBy completionNote
        lines { id category name quantity value custodian location cardNumber status revision withdrawalReason }
        reminders { department actor note }
        valueCheck { registeredValue basis settledValue difference matches explanation }
        history { action department actor detail reason entryHash }
      }
    }
  }
}"""
UNREGISTERED = """
query($first: Int! = 50) {
  unregisteredAssetProjects(first: $first) {
    projectId code unitId status acceptedAt graceEndedAt daysSinceAcceptance daysOverdue activeLines
    registeredValue reminderCount lastRemindedAt
  }
}"""


def acceptance(project_id, *, at: datetime = ACCEPTED_AT, investment=BUDGET, contract_sum=BUDGET, classified=False,
               unit_path=("health-commission", "city-government")):
    return wrap(ProjectAccepted(
        project_id=project_id, code="CITY-2026-0001", unit_id=unit_path[0], unit_path=list(unit_path),
        jurisdiction="CITY", kind="APPLICATION_SYSTEM_NEW", investment=investment, approved_budget=BUDGET,
        contract_sum=contract_sum, self_funded=False, classified=classified, accepted_at=at))


async def accepted_project(runtime, project_id="p-1", *, unit_path=("health-commission", "city-government"),
                           classified=False, **kwargs):
    """A project approved, budget-reviewed and accepted (by default at ACCEPTED_AT)."""
    await reported(runtime, project_id, classified=classified, unit_path=list(unit_path))
    await runtime.consumer(acceptance(project_id, classified=classified, unit_path=unit_path, **kwargs))


def asset_input(project_id="p-1", **changes) -> dict:
    values = {"projectId": project_id, "category": "HARDWARE", "name": "rack server", "quantity": 4,
              "value": 400_000_00, "custodian": "Li Wei, IT office", "location": "government cloud room 3",
              "cardNumber": "ZC-2026-0001"}
    return values | changes


async def call(runtime, query, name, identity=UNIT, **variables):
    """The mutation's payload, or the GraphQL result when it was refused with an error (FORBIDDEN...)."""
    result = await gql(runtime, query, identity, **variables)
    return result if result.errors else result.data[name]


async def register(runtime, identity=UNIT, **changes):
    return await call(runtime, REGISTER, "registerAsset", identity, input=asset_input(**changes))


async def registered(runtime, identity=UNIT, **changes) -> dict:
    done = await register(runtime, identity, **changes)
    assert done["userErrors"] == [], done
    return done["asset"]


async def correct(runtime, asset_id, reason="typo in the asset system export", identity=UNIT, **changes):
    return await call(runtime, CORRECT, "correctAsset", identity, input={"assetId": asset_id, "reason": reason,
                                                                         **changes})


async def withdraw(runtime, asset_id, reason="registered twice", identity=UNIT):
    return await call(runtime, WITHDRAW, "withdrawAsset", identity, input={"assetId": asset_id, "reason": reason})


async def complete(runtime, project_id="p-1", note=None, identity=UNIT):
    return await call(runtime, COMPLETE, "completeAssetRegistration", identity,
                      input={"projectId": project_id, "note": note})


async def remind(runtime, project_id="p-1", note="please register by month end", identity=FINANCE):
    return await call(runtime, REMIND, "remindAssetRegistration", identity,
                      input={"projectId": project_id, "note": note})


async def asset_register(runtime, project_id="p-1", identity=FINANCE):
    result = await gql(runtime, REGISTER_OF, identity, p={"__typename": "Project", "id": project_id})
    assert result.errors is None, result.errors
    return result.data["_entities"][0]["assetRegister"]


async def unregistered(runtime, identity=FINANCE, first=None):
    result = await gql(runtime, UNREGISTERED, identity, **({"first": first} if first else {}))
    return result if result.errors else result.data["unregisteredAssetProjects"]


def error_codes(result) -> list[str]:
    return [e.extensions.get("code") for e in result.errors]


async def asset_snapshot(runtime) -> tuple:
    """Every row an asset command could write (and the outbox's events), to show a refused one wrote nothing."""
    tables = (asset_registrations, project_assets, asset_reminders, finance_orm.trail.entries)
    async with runtime.sessions() as session:
        rows = [tuple(sorted(tuple(str(v) for v in row) for row in (await session.execute(select(table))).all()))
                for table in tables]
        rows.append(tuple((await session.execute(select(runtime.outbox.c.event_id))).scalars().all()))
    return tuple(rows)

