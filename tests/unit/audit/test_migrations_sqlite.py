"""Migration 0002 on SQLite: up to head, down to 0001 and up again, keeping the register."""
from tests.unit.audit.support import migrate_down_and_up


async def test_migration_0002_reaches_head_and_goes_down_and_up_again_on_sqlite(runtime):
    await migrate_down_and_up(runtime)
