"""The secrecy subgraph: contributes `classification` to the federated `Project`."""
from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import select
from strawberry.dataloader import DataLoader

from services.secrecy.adapters.orm import classifications
from services.secrecy.domain.classification import ClassificationStatus, SecrecyLevel
from shared.auth import Department
from shared.clock import as_utc
from shared.graphql import require, subgraph_schema
from shared.visibility import can_see_project

SecrecyLevelEnum = strawberry.enum(SecrecyLevel, name="SecrecyLevel")
ClassificationStatusEnum = strawberry.enum(ClassificationStatus, name="ClassificationStatus")


@strawberry.type(description="A project's classification (定密), as the Secrecy Bureau records it.")
class Classification:
    project_id: strawberry.ID
    declared_classified: bool
    level: SecrecyLevelEnum | None
    status: ClassificationStatusEnum
    declared_at: datetime


def _classification(row) -> Classification:
    return Classification(project_id=strawberry.ID(row["project_id"]),
                          declared_classified=row["declared_classified"],
                          level=SecrecyLevel(row["level"]) if row["level"] else None,
                          status=ClassificationStatus(row["status"]), declared_at=as_utc(row["declared_at"]))


def classification_loader(info: strawberry.Info) -> DataLoader:
    context = info.context

    async def load(project_ids: list[str]) -> list[Classification | None]:
        async with context.runtime.sessions() as session:
            rows = (await session.execute(
                select(classifications).where(classifications.c.project_id.in_(project_ids)))).mappings().all()
        found = {
            row["project_id"]: _classification(row)
            for row in rows
            if can_see_project(context.identity, unit_path=row["unit_path"],
                               classified=row["declared_classified"] or row["level"] is not None)
        }
        return [found.get(i) for i in project_ids]

    return context.loader("classifications", lambda: DataLoader(load))


@strawberry.federation.type(keys=["id"])
class Project:
    id: strawberry.ID

    @strawberry.field(description="The project's classification, once it is submitted.")
    async def classification(self, info: strawberry.Info) -> Classification | None:
        return await classification_loader(info).load(str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Project":
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field(description="Projects declared classified that await the Secrecy Bureau's confirmation.")
    async def classifications_to_confirm(self, info: strawberry.Info, first: int = 100) -> list[Classification]:
        require(info.context.identity, Department.SECRECY_BUREAU, action="reading the classification queue")
        async with info.context.runtime.sessions() as session:
            rows = (await session.execute(
                select(classifications).where(classifications.c.status == ClassificationStatus.DECLARED.value)
                .order_by(classifications.c.declared_at).limit(max(1, min(first, 1000))))).mappings().all()
        return [_classification(row) for row in rows]


def create_schema() -> strawberry.federation.Schema:
    return subgraph_schema(query=Query, types=[Project])
