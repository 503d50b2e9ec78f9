"""Project codes (项目编号) under concurrent drafting, on the real PostgreSQL.

Defect: with 6 concurrent createProject calls, 3 failed with "could not allocate a project code after 5 attempts"
(a MAX(sequence)+1 read raced and retried). A code is now the next number of a per-jurisdiction-and-year counter
row, taken in the draft's own transaction, so no draft fails for want of a number and none is skipped or shared.
"""
import asyncio

import pytest
from sqlalchemy import select

from services.approval import handlers
from services.approval.adapters import orm
from services.approval.app import DEFINITION
from shared.clock import budget_year, utc_now
from shared.migrations import current_revision, downgrade, head_revision, upgrade
from tests.unit.approval.builders import UNIT, draft

pytestmark = pytest.mark.integration


@pytest.fixture
async def approval(service_on_postgres):
    return await service_on_postgres(DEFINITION, started=False)


async def _codes(runtime) -> list[str]:
    async with runtime.sessions() as session:
        return list((await session.execute(select(orm.projects.c.code).order_by(orm.projects.c.code))).scalars())


async def test_24_concurrent_drafts_all_get_distinct_consecutive_codes(approval):
    drafted = await asyncio.gather(*(handlers.create_project(approval.uow, draft(name=f"platform {i}"), UNIT)
                                     for i in range(24)))
    year = budget_year(utc_now())
    expected = [f"CITY-{year}-{n:04d}" for n in range(1, 25)]
    assert sorted(p.code for p in drafted) == expected
    assert await _codes(approval) == expected
    other = await handlers.create_project(approval.uow, draft(jurisdiction="HESHAN"), UNIT)
    assert other.code == f"HESHAN-{year}-0001"  # each jurisdiction counts on its own


async def test_migration_0002_counts_on_from_the_projects_drafted_before_it(approval):
    assert await current_revision(approval.engine) == head_revision(DEFINITION.migrations)
    await asyncio.gather(*(handlers.create_project(approval.uow, draft(), UNIT) for _ in range(3)))
    await downgrade(DEFINITION.migrations, approval.engine, "0001")
    await upgrade(DEFINITION.migrations, approval.engine)
    following = await handlers.create_project(approval.uow, draft(), UNIT)
    assert following.code.endswith("-0004")
