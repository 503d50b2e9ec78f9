"""The Secrecy Bureau's list on the caller's work queue (`myWork { secrecyWork }`): computed from the caller's own
identity, never from the key (another owner's key gets nothing)."""
from __future__ import annotations

import strawberry

from services.secrecy.adapters.work import secrecy_work
from shared.work_graphql import WORK_QUEUE, WorkList, owner_field, own_list


async def _secrecy_work(runtime, identity, now):
    async with runtime.reads() as session:
        return await secrecy_work(session, identity, now)


@strawberry.federation.type(keys=["owner"], description=WORK_QUEUE)
class WorkQueue:
    owner: strawberry.ID = owner_field()

    @strawberry.field(description="What waits in the secrecy service: classifications to decide, secrecy reviews "
                                  "to conclude, graded-protection evaluations and pre-use decisions, and the "
                                  "unit's fixes after a failed review or evaluation.")
    async def secrecy_work(self, info: strawberry.Info) -> WorkList:
        return await own_list(info, self.owner, "secrecy", _secrecy_work)

    @classmethod
    def resolve_reference(cls, owner: strawberry.ID) -> "WorkQueue":
        return cls(owner=owner)
