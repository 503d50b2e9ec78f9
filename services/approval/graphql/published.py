"""The public's window (R-PUB-1, Art 19): the published projects, for everyone, the public (no token) included.

A type of its own, `PublishedProject`, holds only the published fields: nothing unpublished can reach the public by
a resolver forgetting a check, because no such field exists on it. A classified or withheld project is answered
exactly as an id that does not exist: `null`, from the same single query (see adapters/published.py).
"""
from __future__ import annotations

import base64
import binascii

import strawberry
from graphql import GraphQLError
from strawberry.dataloader import DataLoader

from services.approval.adapters.published import PublishedFilter, PublishedProjects
from services.approval.domain import model
from services.approval.domain import publicity as pub
from services.approval.graphql.types import ProjectKindEnum, ProjectStatusEnum, mirror
from shared.graphql import Fen

MilestoneKindEnum = strawberry.enum(pub.MilestoneKind, name="PublishedMilestoneKind",
                                    description="A dated step of a published project's lifecycle.")
PublishedMilestone = mirror(pub.PublishedMilestone)
PublishedFundShare = mirror(pub.PublishedFundShare, money=("amount",))
PublishedYearAmount = mirror(pub.PublishedYearAmount, money=("amount",))
PublishedVendor = mirror(pub.PublishedVendor)
PublishedContract = mirror(pub.PublishedContract, money=("contract_sum",))
PublishedChange = mirror(pub.PublishedChange)
PublishedAcceptance = mirror(pub.PublishedAcceptance)
PublishedOperation = mirror(pub.PublishedOperation, money=("om_annual_funding",))
PAGE_MAX = 200


def published_loader(info: strawberry.Info) -> DataLoader:
    """Published projects by id, batched per request; any other id (unknown, classified, withheld) is None."""
    context = info.context

    async def load(ids: list[str]) -> list[pub.PublishedView | None]:
        async with context.runtime.reads() as session:
            found = await PublishedProjects(session).get_many(ids)
        return [found.get(i) for i in ids]

    return context.loader("published_projects", lambda: DataLoader(load))


@strawberry.federation.type(keys=["id"], description=(
    "R-PUB-1: what the public sees of a project that is approved, not classified and not withheld by the Approval "
    "Bureau: name, unit, kind, jurisdiction, investment, fund sources, status, milestones, contract, change "
    "decisions, acceptance results and the O&M arrangement."))
class PublishedProject:
    id: strawberry.ID
    view: strawberry.Private[pub.PublishedView]

    @strawberry.field(description="The project code (项目编号): jurisdiction-year-number.")
    def code(self) -> str:
        return self.view.code

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field(description="The construction unit (项目建设单位).")
    def unit_id(self) -> str:
        return self.view.unit_id

    @strawberry.field
    def kind(self) -> ProjectKindEnum:
        return model.ProjectKind(self.view.kind)

    @strawberry.field
    def jurisdiction(self) -> str:
        return self.view.jurisdiction

    @strawberry.field(description="The budget year of its code (the year it was drafted, Asia/Shanghai).")
    def year(self) -> int:
        return self.view.year

    @strawberry.field
    def status(self) -> ProjectStatusEnum:
        return self.view.status

    @strawberry.field(description="The approved estimate once the technical review set it, else the submitted one.")
    def investment(self) -> Fen:
        return self.view.investment

    @strawberry.field
    def fund_sources(self) -> list[PublishedFundShare]:
        return [PublishedFundShare.from_pydantic(x) for x in self.view.fund_sources]

    @strawberry.field(description="R-APP-3: a cross-year project, funded by year.")
    def cross_year(self) -> bool:
        return self.view.cross_year

    @strawberry.field(description="R-APP-3: the yearly expenditure plan of a cross-year project.")
    def yearly_plan(self) -> list[PublishedYearAmount]:
        return [PublishedYearAmount.from_pydantic(x) for x in self.view.yearly_plan]

    @strawberry.field(description="The lifecycle's steps with their dates, oldest first.")
    def milestones(self) -> list[PublishedMilestone]:
        return [PublishedMilestone.from_pydantic(x) for x in self.view.milestones]

    @strawberry.field(description="The procurement contract: vendors, sum, date signed.")
    def contract(self) -> PublishedContract | None:
        return PublishedContract.from_pydantic(self.view.contract) if self.view.contract else None

    @strawberry.field(description="R-IMP-3: change plans and the Approval Bureau's decisions on them.")
    def changes(self) -> list[PublishedChange]:
        return [PublishedChange.from_pydantic(x) for x in self.view.changes]

    @strawberry.field(description="R-ACC-3, R-ACC-4: initial and completion acceptance results.")
    def acceptance(self) -> PublishedAcceptance | None:
        return PublishedAcceptance.from_pydantic(self.view.acceptance) if self.view.acceptance else None

    @strawberry.field(description="R-OPS-1: the O&M arrangement once formal operation began.")
    def operation(self) -> PublishedOperation | None:
        return PublishedOperation.from_pydantic(self.view.operation) if self.view.operation else None

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, id: strawberry.ID) -> "PublishedProject | None":
        view = await published_loader(info).load(str(id))
        return published_type(view) if view else None


def published_type(view: pub.PublishedView) -> PublishedProject:
    return PublishedProject(id=strawberry.ID(view.id), view=view)


@strawberry.input(description="Filters of the published projects; all given ones must hold.")
class PublishedProjectFilter:
    jurisdiction: str | None = None
    year: int | None = strawberry.field(default=None, description="The budget year of the project's code.")
    statuses: list[ProjectStatusEnum] | None = None
    kinds: list[ProjectKindEnum] | None = None
    unit: str | None = strawberry.field(default=None, description="A unit, with its subordinate units' projects.")
    name_contains: str | None = strawberry.field(default=None, description="Text the project's name contains.")


@strawberry.type
class PublishedProjectEdge:
    cursor: str
    node: PublishedProject


@strawberry.type
class PublishedPageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class PublishedProjectConnection:
    edges: list[PublishedProjectEdge]
    page_info: PublishedPageInfo
    total_count: int


def _cursor(code: str) -> str:
    return base64.urlsafe_b64encode(code.encode()).decode()


def _after(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise GraphQLError("after is not a cursor this list gave", extensions={"code": "BAD_USER_INPUT",
                                                                             "field": ["after"]}) from None


@strawberry.type
class PublishedQuery:
    @strawberry.field(description="R-PUB-1: a published project, or null (unknown, unpublished, classified and "
                                  "withheld ids are answered alike). Open to everyone, the public included.")
    async def published_project(self, info: strawberry.Info, id: strawberry.ID) -> PublishedProject | None:
        view = await published_loader(info).load(str(id))
        return published_type(view) if view else None

    @strawberry.field(description="R-PUB-1: the published projects matching the filter, in project-code order. "
                                  "Open to everyone, the public included.")
    async def published_projects(self, info: strawberry.Info, filter: PublishedProjectFilter | None = None,
                                 first: int = 50, after: str | None = None) -> PublishedProjectConnection:
        f = filter or PublishedProjectFilter()
        criteria = PublishedFilter(jurisdiction=f.jurisdiction, year=f.year, statuses=tuple(f.statuses or ()),
                                   kinds=tuple(k.value for k in f.kinds or ()), unit=f.unit,
                                   name_contains=f.name_contains)
        first = max(1, min(first, PAGE_MAX))
        after_code = _after(after)
        async with info.context.runtime.reads() as session:
            page, total = await PublishedProjects(session).find(criteria, limit=first + 1, after_code=after_code)
        edges = [PublishedProjectEdge(cursor=_cursor(v.code), node=published_type(v)) for v in page[:first]]
        return PublishedProjectConnection(
            edges=edges, total_count=total,
            page_info=PublishedPageInfo(has_next_page=len(page) > first,
                                        end_cursor=edges[-1].cursor if edges else None))
