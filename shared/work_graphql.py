"""The work queue's GraphQL shape (`myWork`), the same in every subgraph: `WorkList`, `WorkItem`, `WorkCount` are
shareable value types, and each service contributes its own list to the `WorkQueue` entity (keyed by `owner`)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import strawberry

from shared.auth import Identity
from shared.clock import as_utc, utc_now
from shared.work import MAX_ITEMS, Work, WorkKind, bounded, counts, oldest_first, owner_of, waiting_seconds

WorkKindType = strawberry.enum(WorkKind, name="WorkKind", description="What is to be done (docs/decisions.md: "
                                                                       "\"What waits on whom\").")

WORK_QUEUE = ("The work waiting on the caller's department: each service's list (and, in the approval service, all "
              "of them merged, oldest first).")


def owner_field():
    return strawberry.field(description="Opaque: the caller's department and unit.")


# Every field of a list, as the approval service requires the other services' lists to merge them.
WORK_LIST_FIELDS = ("items { kind service projectId code title jurisdiction year waitingSince waitingSeconds } "
                    "counts { kind count }")


@strawberry.federation.type(shareable=True, description="One piece of work waiting on the caller's department.")
class WorkItem:
    kind: WorkKindType
    service: str = strawberry.field(description="The service that holds it: approval, finance, audit or secrecy.")
    project_id: strawberry.ID | None = strawberry.field(description="The project it is about, if any.")
    code: str | None = strawberry.field(description="The project's code (项目编号), if it is about a project.")
    title: str | None = strawberry.field(description="The project's name where the service holding it knows it.")
    jurisdiction: str | None = strawberry.field(description="The project's or the plan's jurisdiction.")
    year: int | None = strawberry.field(description="The plan's year (or the performance cycle's), if any.")
    waiting_since: datetime = strawberry.field(description="The instant of the decision that put it here (UTC).")
    waiting_seconds: int = strawberry.field(description="How long it has waited, in seconds, as of this answer.")


@strawberry.federation.type(shareable=True, description="How many pieces of work of one kind wait.")
class WorkCount:
    kind: WorkKindType
    count: int


def item_of(work: Work, now: datetime) -> WorkItem:
    return WorkItem(kind=work.kind, service=work.service, project_id=work.project_id, code=work.code,
                    title=work.title, jurisdiction=work.jurisdiction, year=work.year, waiting_since=work.waiting_since,
                    waiting_seconds=waiting_seconds(work.waiting_since, now))


@strawberry.federation.type(shareable=True, description="Work waiting on the caller's department, oldest first.")
class WorkList:
    counts: list[WorkCount] = strawberry.field(description="How many of each kind wait: exact, however many items "
                                                           "are listed.")
    works: strawberry.Private[list[Work]]
    now: strawberry.Private[datetime]

    @strawberry.field(description=f"The oldest waiting first, at most `first` (0..{MAX_ITEMS}).")
    def items(self, first: int = MAX_ITEMS) -> list[WorkItem]:
        return [item_of(work, self.now) for work in self.works[:bounded(first)]]


def work_list(works: Iterable[Work], now: datetime) -> WorkList:
    ordered = oldest_first(works)
    return WorkList(counts=[WorkCount(kind=kind, count=n) for kind, n in counts(ordered).items()], works=ordered,
                    now=now)


def answers(identity: Identity, owner: str) -> bool:
    """A subgraph answers a queue's key only for the signed-in caller it names: another owner's key gets nothing."""
    return not identity.is_public and owner == owner_of(identity)


Finder = Callable[[Any, Identity, datetime], Awaitable[list[Work]]]


async def own_work(info: strawberry.Info, owner: str, name: str, find: Finder) -> list[Work]:
    """The service's own work for the caller (computed once per request), or nothing for another owner's key."""
    context = info.context
    if not answers(context.identity, str(owner)):
        return []
    key = f"work:{name}"
    if key not in context.loaders:
        context.loaders[key] = await find(context.runtime, context.identity, utc_now())
    return context.loaders[key]


async def own_list(info: strawberry.Info, owner: str, name: str, find: Finder) -> WorkList:
    return work_list(await own_work(info, owner, name, find), utc_now())


def works_of(value: Mapping | None) -> tuple[list[Work], dict[WorkKind, int]]:
    """A list another service returned (as the gateway hands it over for `@requires`): its items and counts."""
    if not value:
        return [], {}
    works = [Work(kind=WorkKind(item["kind"]), service=item["service"], project_id=item.get("projectId"),
                  code=item.get("code"), title=item.get("title"), jurisdiction=item.get("jurisdiction"),
                  year=item.get("year"), waiting_since=as_utc(datetime.fromisoformat(item["waitingSince"])))
             for item in value.get("items") or ()]
    return works, {WorkKind(c["kind"]): int(c["count"]) for c in value.get("counts") or ()}
