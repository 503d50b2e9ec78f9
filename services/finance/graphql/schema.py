"""The finance subgraph: contributes `budgetReview` to the federated `Project`."""
from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import select
from strawberry.dataloader import DataLoader

from services.finance.adapters.orm import budget_reviews, projects
from services.finance.domain.budget_review import BudgetReviewStatus
from shared.auth import Department
from shared.clock import as_utc
from shared.graphql import require, subgraph_schema
from shared.visibility import can_see_project

BudgetReviewStatusEnum = strawberry.enum(BudgetReviewStatus, name="BudgetReviewStatus")


@strawberry.type(description="A budget-review case (预算评审, R-REV-2).")
class BudgetReview:
    id: strawberry.ID
    project_id: strawberry.ID
    status: BudgetReviewStatusEnum
    opened_at: datetime


def _review(row) -> BudgetReview:
    return BudgetReview(id=strawberry.ID(row["id"]), project_id=strawberry.ID(row["project_id"]),
                        status=BudgetReviewStatus(row["status"]), opened_at=as_utc(row["opened_at"]))


def budget_review_loader(info: strawberry.Info) -> DataLoader:
    context = info.context

    async def load(project_ids: list[str]) -> list[BudgetReview | None]:
        async with context.runtime.sessions() as session:
            rows = (await session.execute(
                select(budget_reviews, projects.c.unit_path, projects.c.classified)
                .join(projects, projects.c.id == budget_reviews.c.project_id)
                .where(budget_reviews.c.project_id.in_(project_ids))
            )).mappings().all()
        found = {
            row["project_id"]: _review(row)
            for row in rows
            if can_see_project(context.identity, unit_path=row["unit_path"], classified=row["classified"])
        }
        return [found.get(i) for i in project_ids]

    return context.loader("budget_reviews", lambda: DataLoader(load))


@strawberry.federation.type(keys=["id"])
class Project:
    id: strawberry.ID

    @strawberry.field(description="Finance's budget-review case for the project, once it is approved.")
    async def budget_review(self, info: strawberry.Info) -> BudgetReview | None:
        return await budget_review_loader(info).load(str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Project":
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field(description="Budget-review cases, for the Finance Bureau.")
    async def budget_reviews(self, info: strawberry.Info, status: BudgetReviewStatusEnum | None = None,
                             first: int = 50) -> list[BudgetReview]:
        require(info.context.identity, Department.FINANCE_BUREAU, action="listing budget reviews")
        query = select(budget_reviews).order_by(budget_reviews.c.opened_at).limit(max(1, min(first, 200)))
        if status is not None:
            query = query.where(budget_reviews.c.status == status.value)
        async with info.context.runtime.sessions() as session:
            rows = (await session.execute(query)).mappings().all()
        return [_review(row) for row in rows]


def create_schema() -> strawberry.federation.Schema:
    return subgraph_schema(query=Query, types=[Project])
