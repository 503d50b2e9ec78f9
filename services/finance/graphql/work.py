"""Finance's list on the caller's work queue (`myWork { financeWork }`): computed from the caller's own identity,
never from the key (another owner's key gets nothing)."""
from __future__ import annotations

from datetime import timedelta

import strawberry

from services.finance.adapters.work import finance_work
from shared.work_graphql import WORK_QUEUE, WorkList, owner_field, own_list


async def _finance_work(runtime, identity, now):
    async with runtime.reads() as session:
        return await finance_work(session, identity, now,
                                  grace=timedelta(days=runtime.settings.asset_registration_grace_days))


@strawberry.federation.type(keys=["owner"], description=WORK_QUEUE)
class WorkQueue:
    owner: strawberry.ID = owner_field()

    @strawberry.field(description="What waits in the finance service: budget review reports, special-fund plan "
                                  "signatures and reviews, settlement reviews, spot checks, audit findings to act "
                                  "on, asset registrations and reminders.")
    async def finance_work(self, info: strawberry.Info) -> WorkList:
        return await own_list(info, self.owner, "finance", _finance_work)

    @classmethod
    def resolve_reference(cls, owner: strawberry.ID) -> "WorkQueue":
        return cls(owner=owner)
