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


def before_parking(migrations) -> str:
    """The revision before the service's parking migration (`<rev>_outbox_parking.py`), wherever its history
    has grown since."""
    (parking,) = [script for script in ScriptDirectory.from_config(alembic_config(migrations)).walk_revisions()
                  if script.path.endswith("_outbox_parking.py")]
    return parking.down_revision


async def migrate_the_outbox_down_and_up(runtime) -> None:
    migrations = runtime.definition.migrations
    await runtime.migrate()
    assert await outbox_column_names(runtime) == {column.name for column in outbox_columns()}
    head = head_revision(migrations)
    await downgrade(migrations, runtime.engine, before_parking(migrations))
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
