"""The audit subgraph: contributes the Audit Bureau's register entry to the federated `Project`."""
from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import select
from strawberry.dataloader import DataLoader

from services.audit.adapters.orm import register
from services.audit.domain.register import in_certainty_scope
from shared.auth import Department
from shared.clock import as_utc
from shared.graphql import Fen, require, subgraph_schema
from shared.visibility import can_see_project


@strawberry.type(description="The Audit Bureau's record of a project, fed by the approval service's events.")
class AuditRegisterEntry:
    project_id: strawberry.ID
    jurisdiction: str
    investment: Fen
    approved_at: datetime
    accepted_at: datetime | None = strawberry.field(description="R-AUD-3: when the project passed completion "
                                                                "acceptance and was sent to the Audit Bureau.")
    in_certainty_scope: bool = strawberry.field(
        description="R-AUD-1: investment of 20M yuan or more; the project enters the annual audit plan in full.")


def _entry(row) -> AuditRegisterEntry:
    return AuditRegisterEntry(project_id=strawberry.ID(row["project_id"]), jurisdiction=row["jurisdiction"],
                              investment=row["investment"], approved_at=as_utc(row["approved_at"]),
                              accepted_at=as_utc(row["accepted_at"]) if row["accepted_at"] else None,
                              in_certainty_scope=in_certainty_scope(row["investment"]))


def register_loader(info: strawberry.Info) -> DataLoader:
    context = info.context

    async def load(project_ids: list[str]) -> list[AuditRegisterEntry | None]:
        async with context.runtime.sessions() as session:
            rows = (await session.execute(
                select(register).where(register.c.project_id.in_(project_ids)))).mappings().all()
        found = {
            row["project_id"]: _entry(row)
            for row in rows
            if can_see_project(context.identity, unit_path=row["unit_path"], classified=row["classified"])
        }
        return [found.get(i) for i in project_ids]

    return context.loader("register", lambda: DataLoader(load))


@strawberry.federation.type(keys=["id"])
class Project:
    id: strawberry.ID

    @strawberry.field(description="The Audit Bureau's register entry for the project, once it is approved.")
    async def audit_register(self, info: strawberry.Info) -> AuditRegisterEntry | None:
        return await register_loader(info).load(str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Project":
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field(description="The Audit Bureau's project register of a jurisdiction.")
    async def audit_register(self, info: strawberry.Info, jurisdiction: str = "CITY",
                             first: int = 100) -> list[AuditRegisterEntry]:
        require(info.context.identity, Department.AUDIT_BUREAU, action="reading the audit register")
        async with info.context.runtime.sessions() as session:
            rows = (await session.execute(
                select(register).where(register.c.jurisdiction == jurisdiction)
                .order_by(register.c.code).limit(max(1, min(first, 1000))))).mappings().all()
        return [_entry(row) for row in rows]


def create_schema() -> strawberry.federation.Schema:
    return subgraph_schema(query=Query, types=[Project])
