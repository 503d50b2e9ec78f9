"""The approval subgraph's types: it owns the core fields of the federated `Project` entity."""
from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.dataloader import DataLoader

from services.approval.adapters.repository import ProjectRepository
from services.approval.domain import model
from services.approval.domain.lifecycle import ProjectStatus
from services.approval.handlers import visible
from shared.graphql import Fen

ProjectStatusEnum = strawberry.enum(ProjectStatus, name="ProjectStatus", description="Where a project is in its lifecycle.")
ProjectKindEnum = strawberry.enum(model.ProjectKind, name="ProjectKind", description="R-GEN-1: what the project builds.")
FundSourceEnum = strawberry.enum(model.FundSource, name="FundSource", description="Article 3: where the money comes from.")


@strawberry.type
class FundSourceAmount:
    source: FundSourceEnum
    amount: Fen


@strawberry.type(description="One line of a project's history: who, when, what, why.")
class HistoryEntry:
    at: datetime
    action: str
    from_status: ProjectStatusEnum | None
    to_status: ProjectStatusEnum
    department: str
    unit: str | None
    actor: str
    reasons: list[str]


def _history_entry(entry: model.HistoryEntry) -> HistoryEntry:
    return HistoryEntry(at=entry.at, action=entry.action, from_status=entry.from_status, to_status=entry.to_status,
                        department=entry.department, unit=entry.unit, actor=entry.subject,
                        reasons=list(entry.reasons))


def project_loader(info: strawberry.Info) -> DataLoader:
    """Projects by id, batched per request, each visible to the caller or None (as if it did not exist)."""
    context = info.context

    async def load(ids: list[str]) -> list[model.Project | None]:
        async with context.runtime.sessions() as session:
            found = await ProjectRepository(session).get_many(ids)
        return [p if p is not None and visible(p, context.identity) else None for p in (found.get(i) for i in ids)]

    return context.loader("projects", lambda: DataLoader(load))


@strawberry.federation.type(keys=["id"], description="An IT project (新型智慧城市和电子政务项目), keyed by its stable id.")
class Project:
    id: strawberry.ID
    code: str = strawberry.field(description="The project code (项目编号) clerks quote: jurisdiction-year-number.")
    name: str
    kind: ProjectKindEnum
    jurisdiction: str
    unit_id: str = strawberry.field(description="The construction unit (项目建设单位) that owns the project.")
    investment_estimate: Fen = strawberry.field(description="Total investment estimate in fen.")
    fund_sources: list[FundSourceAmount]
    declared_classified: bool = strawberry.field(description="The unit declared the project classified (涉密).")
    status: ProjectStatusEnum
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="Every transition: who, when, what, why.")
    async def history(self, info: strawberry.Info) -> list[HistoryEntry]:
        async with info.context.runtime.sessions() as session:
            entries = await ProjectRepository(session).history_of(str(self.id))
        return [_history_entry(e) for e in entries]

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, id: strawberry.ID) -> "Project | None":
        project = await project_loader(info).load(str(id))
        return from_domain(project) if project else None


def from_domain(project: model.Project) -> Project:
    return Project(
        id=strawberry.ID(project.id), code=project.code, name=project.name, kind=project.kind,
        jurisdiction=project.jurisdiction, unit_id=project.unit_id, investment_estimate=project.investment_estimate,
        fund_sources=[FundSourceAmount(source=s, amount=a) for s, a in project.fund_sources],
        declared_classified=project.declared_classified, status=project.status, created_at=project.created_at,
        updated_at=project.updated_at,
    )
