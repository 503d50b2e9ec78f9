"""Every service's outbox gains `parked_at` by its own migration, on SQLite here (PostgreSQL: the integration
tier), and the migration goes down and up again."""
import pytest
from sqlalchemy import inspect

from egov.registry import SERVICES
from alembic.script import ScriptDirectory

from shared.migrations import alembic_config, current_revision, downgrade, head_revision, upgrade
from shared.outbox import outbox_columns
from shared.service import ServiceRuntime
from shared.settings import Settings


async def outbox_column_names(runtime) -> set[str]:
    async with runtime.engine.connect() as connection:
        return {c["name"] for c in await connection.run_sync(lambda sync: inspect(sync).get_columns("outbox"))}


def parking_revision(migrations):
    """The service's revision that parks outbox rows (later revisions may follow it)."""
    (found,) = [revision for revision in ScriptDirectory.from_config(alembic_config(migrations)).walk_revisions()
                if revision.path.endswith("_outbox_parking.py")]
    return found


async def migrate_the_outbox_down_and_up(runtime) -> None:
    migrations = runtime.definition.migrations
    await runtime.migrate()
    assert await outbox_column_names(runtime) == {column.name for column in outbox_columns()}
    head = head_revision(migrations)
    await downgrade(migrations, runtime.engine, parking_revision(migrations).down_revision)
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
