"""The finance subgraph: contributes Finance's fields to the federated `Project` (budget review, fund plan,
payments, balance, sanctions, settlement, reward, spot checks, asset register), Finance's budget-review commands
here, its money commands in `money_schema` and asset registration in `asset_schema`. Resolvers are thin: build a command, call its handler, map the outcome."""
from __future__ import annotations

import strawberry

from services.finance import commands
from services.finance.adapters import orm, trail_store
from services.finance.adapters.repository import BudgetReviewRepository
from services.finance.domain.budget_review import BudgetReviewCase, BudgetReviewStatus, LineCategory
from services.finance.domain.lifecycle import TRANSITIONS, Action
from services.finance.graphql.asset_schema import AssetMutation, AssetQuery
from services.finance.graphql.asset_types import FEN_DIFFERENCE_SCALAR, FenDifference
from services.finance.graphql.money_schema import MoneyMutation, MoneyQuery
from services.finance.graphql.project import Project
from services.finance.graphql.work import WorkQueue
from services.finance.graphql.types import (
    BudgetLineCategoryEnum,
    BudgetReview,
    BudgetReviewStatusEnum,
    from_domain,
)
from shared.auth import Department
from shared.graphql import Fen, UserError, decision, restricted, run_command, subgraph_schema
from shared.trail_graphql import trail_fields


@strawberry.type
class BudgetReviewPayload:
    budget_review: BudgetReview | None
    user_errors: list[UserError]


def _payload(result: BudgetReviewCase | None, errors: list[UserError]) -> BudgetReviewPayload:
    return BudgetReviewPayload(budget_review=from_domain(result) if result else None, user_errors=errors)


@strawberry.type
class Query(MoneyQuery, AssetQuery):
    @restricted([Department.FINANCE_BUREAU], action="listing budget reviews",
                description="Budget-review cases, for the Finance Bureau.")
    async def budget_reviews(self, info: strawberry.Info, status: BudgetReviewStatusEnum | None = None,
                             first: int = 50) -> list[BudgetReview]:
        async with info.context.runtime.reads() as session:
            cases = await BudgetReviewRepository(session).list(
                status=BudgetReviewStatus(status.value) if status is not None else None,
                limit=max(1, min(first, 200)))
        return [from_domain(case) for case in cases]

    finance_trail, finance_trail_verification = trail_fields("finance", Department.FINANCE_BUREAU, orm.trail,
                                                              trail_store.classified_among)


@strawberry.type
class Mutation(MoneyMutation, AssetMutation):
    @decision(TRANSITIONS[Action.SET_LINE].departments,
              description="R-REV-2: the Finance Bureau approves one cost line (approved ≤ requested; "
                          "all approved lines ≤ the approved estimate). Setting a category again "
                          "replaces its line.")
    async def set_budget_line(self, info: strawberry.Info, project_id: strawberry.ID,
                              category: BudgetLineCategoryEnum, requested_amount: Fen, approved_amount: Fen,
                              note: str | None = None) -> BudgetReviewPayload:
        command = commands.SetBudgetLine(project_id=str(project_id), category=LineCategory(category.value),
                                         requested_amount=requested_amount, approved_amount=approved_amount,
                                         note=note)
        runtime = info.context.runtime
        return _payload(*await run_command(commands.set_budget_line(runtime.uow, command, info.context.identity)))

    @decision(TRANSITIONS[Action.ISSUE_REPORT].departments,
              description="R-REV-2 / R-REV-3: the Finance Bureau issues the budget review report "
                          "(预算评审报告); the case becomes REPORTED and final.")
    async def issue_budget_review_report(self, info: strawberry.Info, project_id: strawberry.ID) -> BudgetReviewPayload:
        runtime = info.context.runtime
        return _payload(*await run_command(
            commands.issue_budget_review_report(runtime.uow, str(project_id), info.context.identity)))


def create_schema() -> strawberry.federation.Schema:
    return subgraph_schema(query=Query, mutation=Mutation, types=[Project, WorkQueue],
                           scalars={FenDifference: FEN_DIFFERENCE_SCALAR})
