"""`myWork`: the caller's department's work queue. The approval service owns the root field and the `WorkQueue`
entity; each service adds its own list (`approvalWork` here), and `items` / `counts` merge the four lists, oldest
first, from the other services' lists the gateway hands over (`@requires`)."""
from __future__ import annotations

from collections.abc import Mapping

import strawberry

from services.approval.adapters import work as work_adapter
from shared.auth import Department
from shared.clock import utc_now
from shared.graphql import restricted
from shared.work import MAX_ITEMS, WorkKind, bounded, oldest_first, owner_of
from shared.work_graphql import (
    WORK_LIST_FIELDS, WORK_QUEUE, WorkCount, WorkItem, WorkList, answers, item_of, own_list, own_work, owner_field,
    work_list, works_of,
)

OTHER_LISTS = ("financeWork", "auditWork", "secrecyWork")
REQUIRED = " ".join(f"{name} {{ {WORK_LIST_FIELDS} }}" for name in OTHER_LISTS)
SIGNED_IN = frozenset(Department) - {Department.PUBLIC}


async def _approval_work(runtime, identity, now):
    async with runtime.reads() as session:
        return await work_adapter.approval_work(session, identity, now)


def _external(description: str):
    @strawberry.federation.field(external=True, description=description)
    def resolve(self) -> WorkList:
        return work_list([], utc_now())  # resolved by the service that owns it
    return resolve


@strawberry.federation.type(keys=["owner"], description=WORK_QUEUE)
class WorkQueue:
    owner: strawberry.ID = owner_field()
    others: strawberry.Private[Mapping[str, Mapping | None]]

    # The other services' lists arrive in the representation as objects (shared.graphql_inputs).
    required_objects = frozenset(OTHER_LISTS)

    finance_work = _external("The Finance Bureau's service's list (from the finance subgraph).")
    audit_work = _external("The Audit Bureau's service's list (from the audit subgraph).")
    secrecy_work = _external("The Secrecy Bureau's service's list (from the secrecy subgraph).")

    @strawberry.field(description="What waits in the approval service: projects, changes, acceptances, "
                                  "performance reviews and the annual construction plan.")
    async def approval_work(self, info: strawberry.Info) -> WorkList:
        return await own_list(info, self.owner, "approval", _approval_work)

    async def _merged(self, info: strawberry.Info):
        if not answers(info.context.identity, str(self.owner)):
            return [], {}
        works = list(await own_work(info, self.owner, "approval", _approval_work))
        counted: dict[WorkKind, int] = {}
        for work in works:
            counted[work.kind] = counted.get(work.kind, 0) + 1
        for name in OTHER_LISTS:
            listed, their_counts = works_of(self.others.get(name))
            works += listed
            for kind, n in their_counts.items():
                counted[kind] = counted.get(kind, 0) + n
        return oldest_first(works), counted

    @strawberry.federation.field(requires=[REQUIRED], description=f"Every service's work merged, the oldest "
                                                                   f"waiting first, at most `first` (0..{MAX_ITEMS}).")
    async def items(self, info: strawberry.Info, first: int = MAX_ITEMS) -> list[WorkItem]:
        works, _ = await self._merged(info)
        works = works[:bounded(first)]
        context = info.context
        missing = sorted({w.project_id for w in works if w.project_id and not w.title})
        if missing:  # the other services keep no project names: the approval service gives those the caller may see
            async with context.runtime.reads() as session:
                names = await work_adapter.titles(session, context.identity, missing)
            works = [w if w.title or w.project_id not in names else _titled(w, names[w.project_id]) for w in works]
        now = utc_now()
        return [item_of(work, now) for work in works]

    @strawberry.federation.field(requires=[REQUIRED], description="How many of each kind wait, in every service: "
                                                                   "exact, however many items are listed.")
    async def counts(self, info: strawberry.Info) -> list[WorkCount]:
        _, counted = await self._merged(info)
        return [WorkCount(kind=kind, count=counted[kind]) for kind in WorkKind if counted.get(kind)]

    @classmethod
    def resolve_reference(cls, owner: strawberry.ID, financeWork: dict | None = None,  # noqa: N803 (as sent)
                          auditWork: dict | None = None, secrecyWork: dict | None = None) -> "WorkQueue":
        return cls(owner=owner, others={"financeWork": financeWork, "auditWork": auditWork,
                                        "secrecyWork": secrecyWork})


def _titled(work, title: str):
    from dataclasses import replace

    return replace(work, title=title)


@strawberry.type
class WorkQuery:
    @restricted(SIGNED_IN, action="reading your work queue",
                description="What waits on your department now, in every service, oldest first, with counts per "
                            "kind (need to know applies: a classified project's work reaches only those who may "
                            "see it).")
    def my_work(self, info: strawberry.Info) -> WorkQueue:
        return WorkQueue(owner=strawberry.ID(owner_of(info.context.identity)), others={})
