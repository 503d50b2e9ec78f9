"""Every service's outbox gains `parked_at` by its own migration, on SQLite here (PostgreSQL: the integration
tier), and the migration goes down and up again."""
import pytest
from sqlalchemy import inspect

from egov.registry import SERVICES
from shared.migrations import current_revision, downgrade, head_revision, upgrade
from shared.outbox import outbox_columns
from shared.service import ServiceRuntime
from shared.settings import Settings


async def outbox_column_names(runtime) -> set[str]:
    async with runtime.engine.connect() as connection:
        return {c["name"] for c in await connection.run_sync(lambda sync: inspect(sync).get_columns("outbox"))}


# The revision of each service that parks the outbox (later revisions come after it).
PARKING = {"approval": "0003", "finance": "0004", "audit": "0003", "secrecy": "0003"}


async def migrate_the_outbox_down_and_up(runtime) -> None:
    migrations = runtime.definition.migrations
    await runtime.migrate()
    assert await outbox_column_names(runtime) == {column.name for column in outbox_columns()}
    head = head_revision(migrations)
    before = f"{int(PARKING[runtime.name]) - 1:04d}"
    await downgrade(migrations, runtime.engine, before)
    assert "parked_at" not in await outbox_column_names(runtime)
    await upgrade(migrations, runtime.engine)
    assert await current_revision(runtime.engine) == head
    assert "parked_at" in await outbox_column_names(runtime)


@pytest.mark.parametrize("name", list(SERVICES))
async def test_each_services_outbox_is_parked_by_a_migration_that_goes_down_and_up_on_sqlite(name, tmp_path, keys):
    runtime = ServiceRuntime(SERVICES[name], Settings(data_dir=tmp_path, jwt_public_key_file=keys[1]).for_service(name))
    try:
        await migrate_the_outbox_down_and_up(runtime)
    finally:
        await runtime.stop()
