"""The federated `Project` entity as Finance contributes to it: budget review, fund plan, payments, balance,
sanctions, settlement, reward, spot checks and the money trail, so that one gateway query follows a project's
money from the budget review to the last payment. Every field is null for a project the caller may not see."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from services.finance.graphql import asset_readers, asset_types
from services.finance.graphql import money_types as t
from services.finance.graphql import readers
from services.finance.graphql.asset_schema import grace
from services.finance.graphql.types import BudgetReview, budget_review_of, visible_case_loader
from shared.clock import utc_now

Fetch = Callable[[AsyncSession, Sequence[str]], Awaitable[dict[str, Any]]]


async def _load(info: strawberry.Info, name: str, fetch: Fetch, project_id: str):
    """One batched read per field and request, of the projects the caller may see."""
    context = info.context

    async def load(project_ids: list[str]) -> list[Any]:
        cases = await visible_case_loader(info).load_many(project_ids)
        shown = [i for i, case in zip(project_ids, cases) if case is not None]
        found: dict[str, Any] = {}
        if shown:
            async with context.runtime.reads() as session:
                found = await fetch(session, shown)
        return [found.get(i) for i in project_ids]

    return await context.loader(f"finance_{name}", lambda: DataLoader(load)).load(project_id)


@strawberry.federation.type(keys=["id"])
class Project:
    id: strawberry.ID

    @strawberry.field(description="Finance's budget-review case for the project, once it is approved.")
    async def budget_review(self, info: strawberry.Info) -> BudgetReview | None:
        return await budget_review_of(info, str(self.id))

    @strawberry.field(description="R-APP-3 / R-FIN-2: the one application and its yearly allocations.")
    async def fund_plan(self, info: strawberry.Info) -> t.FundPlan | None:
        return await _load(info, "fund_plan", readers.fund_plans, str(self.id))

    @strawberry.field(description="R-FIN-1: every payment, oldest first.")
    async def payments(self, info: strawberry.Info) -> list[t.Payment] | None:
        return await _load(info, "payments", readers.payments, str(self.id))

    @strawberry.field(description="Approved budget minus sanctions minus paid, and whether O&M funds flow.")
    async def balance(self, info: strawberry.Info) -> t.FinanceBalance | None:
        return await _load(info, "balance", readers.balances, str(self.id))

    @strawberry.field(description="R-FIN-4: the sanctions imposed on the project, oldest first.")
    async def sanctions(self, info: strawberry.Info) -> list[t.Sanction] | None:
        return await _load(info, "sanctions", readers.sanctions_of, str(self.id))

    @strawberry.field(description="R-FIN-6: Finance's settlement review (结决算评审), if any.")
    async def settlement(self, info: strawberry.Info) -> t.FinanceSettlementReview | None:
        return await _load(info, "settlement", readers.settlements, str(self.id))

    @strawberry.field(description="R-FIN-3: the reward or subsidy (奖补) granted, if any.")
    async def reward(self, info: strawberry.Info) -> t.RewardGrant | None:
        return await _load(info, "reward", readers.rewards, str(self.id))

    @strawberry.field(description="R-FIN-5: Finance's spot checks of the project's fund use.")
    async def spot_checks(self, info: strawberry.Info) -> list[t.SpotCheck] | None:
        return await _load(info, "spot_checks", readers.spot_checks, str(self.id))

    @strawberry.field(description="R-OVS-1: every decision on the project's money, from the budget review report "
                                  "on, each entry chained to the one before by its hash.")
    async def money_trail(self, info: strawberry.Info) -> list[t.MoneyDecision] | None:
        return await _load(info, "money_trail", readers.money_trails, str(self.id))

    @strawberry.field(description="R-FIN-7: the project's asset register after completion acceptance: its lines, "
                                  "status, Finance's reminders and the registered value against the settled amount.")
    async def asset_register(self, info: strawberry.Info) -> asset_types.AssetRegister | None:
        fetch = partial(asset_readers.asset_registers, grace=grace(info), now=utc_now())
        return await _load(info, "asset_register", fetch, str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Project":
        return cls(id=id)
