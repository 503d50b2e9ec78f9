"""Migration 0002 on SQLite: a register written under 0001 survives the upgrade and works with the new cases, and
the migration goes down and up again cleanly."""
from sqlalchemy import text

from services.secrecy.adapters import orm
from shared.migrations import current_revision, head_revision, upgrade
from tests.unit.secrecy.support import (
    DEFINITION,
    PASS,
    approved,
    column_names,
    downgrade,
    mutate,
    project,
    table_names,
)

NEW_TABLES = {"secrecy_reviews", "secrecy_pre_use_reviews", "secrecy_evaluations", "secrecy_vendor_qualifications",
              "decision_trail"}


async def test_the_0001_register_is_carried_into_0002_and_keeps_working(runtime):
    await downgrade(runtime, "0001")
    assert await current_revision(runtime.engine) == "0001"
    assert not NEW_TABLES & await table_names(runtime)
    async with runtime.engine.begin() as connection:
        await connection.execute(text(
            "INSERT INTO secrecy_classifications (project_id, code, unit_id, unit_path, declared_classified, level,"
            " status, declared_at) VALUES ('p-old', 'CITY-2025-0001', 'psb', '[\"psb\"]', 1, NULL, 'DECLARED',"
            " '2025-12-01 00:00:00')"))
    await upgrade(DEFINITION.migrations, runtime.engine)
    assert await current_revision(runtime.engine) == head_revision(DEFINITION.migrations)
    assert NEW_TABLES <= await table_names(runtime)
    assert set(orm.classifications.c.keys()) == await column_names(runtime, "secrecy_classifications")
    await runtime.consumer(approved("p-old", classified=True))
    assert (await mutate(runtime, PASS, p="p-old", o="ok"))["secrecyReview"]["status"] == "PASSED"
    assert (await project(runtime, "p-old"))["classification"]["status"] == "DECLARED"


async def test_0002_goes_down_and_up_again(runtime):
    await runtime.consumer(approved("p-1", classified=True))
    await downgrade(runtime, "0001")
    assert await column_names(runtime, "secrecy_classifications") == {
        "project_id", "code", "unit_id", "unit_path", "declared_classified", "level", "status", "declared_at"}
    await upgrade(DEFINITION.migrations, runtime.engine)
    assert NEW_TABLES <= await table_names(runtime)
    assert (await project(runtime, "p-1"))["classification"]["classified"] is True
