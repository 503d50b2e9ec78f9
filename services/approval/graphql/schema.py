"""The approval subgraph: queries and mutations. Resolvers are thin: build a command, call its handler."""
from __future__ import annotations

import strawberry

from services.approval import handlers
from services.approval.adapters.repository import ProjectRepository
from services.approval.domain import model
from services.approval.graphql.types import (
    FundSourceEnum,
    HistoryEntry,
    Project,
    ProjectKindEnum,
    ProjectStatusEnum,
    from_domain,
    project_loader,
)
from shared.graphql import Fen, UserError, run_command, subgraph_schema


@strawberry.input
class FundSourceInput:
    source: FundSourceEnum
    amount: Fen


@strawberry.input(description="A new project's basic facts; the dossier is built on the draft.")
class CreateProjectInput:
    name: str
    kind: ProjectKindEnum
    investment_estimate: Fen
    fund_sources: list[FundSourceInput]
    jurisdiction: str = "CITY"
    declared_classified: bool = False


@strawberry.type
class ProjectPayload:
    project: Project | None
    user_errors: list[UserError]


def _payload(result: model.Project | None, errors: list[UserError]) -> ProjectPayload:
    return ProjectPayload(project=from_domain(result) if result else None, user_errors=errors)


@strawberry.type
class Query:
    @strawberry.field(description="A project visible to you, or null.")
    async def project(self, info: strawberry.Info, id: strawberry.ID) -> Project | None:
        found = await project_loader(info).load(str(id))
        return from_domain(found) if found else None

    @strawberry.field(description="Projects visible to you, in code order; pass the last code as `after` for more.")
    async def projects(self, info: strawberry.Info, status: ProjectStatusEnum | None = None, first: int = 50,
                       after: str | None = None) -> list[Project]:
        first = max(1, min(first, 200))
        context = info.context
        visible_projects: list[model.Project] = []
        cursor = after
        async with context.runtime.sessions() as session:
            repository = ProjectRepository(session)
            while len(visible_projects) < first:
                batch = await repository.list(status=status, limit=first * 2, after_code=cursor)
                visible_projects += [p for p in batch if handlers.visible(p, context.identity)]
                if len(batch) < first * 2:
                    break
                cursor = batch[-1].code
        return [from_domain(p) for p in visible_projects[:first]]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="A construction unit drafts a project (status DRAFT).")
    async def create_project(self, info: strawberry.Info, input: CreateProjectInput) -> ProjectPayload:
        draft = model.ProjectDraft(
            name=input.name, kind=input.kind, jurisdiction=input.jurisdiction,
            investment_estimate=input.investment_estimate,
            fund_sources=tuple((f.source, f.amount) for f in input.fund_sources),
            declared_classified=input.declared_classified,
        )
        runtime = info.context.runtime
        return _payload(*await run_command(handlers.create_project(runtime.uow, draft, info.context.identity)))

    @strawberry.mutation(description="R-APP-1: the unit submits its project for approval (立项审查).")
    async def submit_project(self, info: strawberry.Info, id: strawberry.ID) -> ProjectPayload:
        runtime = info.context.runtime
        return _payload(*await run_command(handlers.submit_project(runtime.uow, str(id), info.context.identity)))

    @strawberry.mutation(description="R-APP-2: the Approval Bureau approves the project (立项审批).")
    async def approve_project(self, info: strawberry.Info, id: strawberry.ID) -> ProjectPayload:
        runtime = info.context.runtime
        return _payload(*await run_command(handlers.approve_project(runtime.uow, str(id), info.context.identity)))

    @strawberry.mutation(description="R-APP-2: the Approval Bureau rejects the project, giving its reasons.")
    async def reject_project(self, info: strawberry.Info, id: strawberry.ID, reasons: list[str]) -> ProjectPayload:
        runtime = info.context.runtime
        return _payload(*await run_command(
            handlers.reject_project(runtime.uow, str(id), info.context.identity, tuple(reasons))))


def create_schema() -> strawberry.federation.Schema:
    return subgraph_schema(query=Query, mutation=Mutation, types=[HistoryEntry])
