"""The Audit Bureau's list on the caller's work queue (`myWork { auditWork }`): computed from the caller's own
identity, never from the key (another owner's key gets nothing)."""
from __future__ import annotations

import strawberry

from services.audit.adapters.work import audit_work
from shared.work_graphql import WORK_QUEUE, WorkList, owner_field, own_list


async def _audit_work(runtime, identity, now):
    async with runtime.reads() as session:
        return await audit_work(session, identity, now)


@strawberry.federation.type(keys=["owner"], description=WORK_QUEUE)
class WorkQueue:
    owner: strawberry.ID = owner_field()

    @strawberry.field(description="What waits in the audit service: plans to commit and draws to reveal, "
                                  "engagements to open, to take into fieldwork and to close.")
    async def audit_work(self, info: strawberry.Info) -> WorkList:
        return await own_list(info, self.owner, "audit", _audit_work)

    @classmethod
    def resolve_reference(cls, owner: strawberry.ID) -> "WorkQueue":
        return cls(owner=owner)
