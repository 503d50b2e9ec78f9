"""Each service has its own Alembic history; this runs it against the service's own database."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine


def alembic_config(script_location: str | Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


async def upgrade(script_location: str | Path, engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database behind `engine` to `revision` with the service's migration scripts."""
    await _migrate(script_location, engine, revision, lambda script, rev: script._upgrade_revs(revision, rev))


async def downgrade(script_location: str | Path, engine: AsyncEngine, revision: str) -> None:
    """Downgrade to `revision` (used to prove each migration can be undone)."""
    await _migrate(script_location, engine, revision, lambda script, rev: script._downgrade_revs(revision, rev))


async def _migrate(script_location, engine: AsyncEngine, revision: str, steps) -> None:
    config = alembic_config(script_location)
    script = ScriptDirectory.from_config(config)

    def run(connection) -> None:
        with EnvironmentContext(config, script, fn=lambda rev, _context: steps(script, rev),
                                destination_rev=revision) as environment:
            environment.configure(connection=connection, target_metadata=None,
                                  render_as_batch=connection.dialect.name == "sqlite")
            with environment.begin_transaction():
                environment.run_migrations()

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def current_revision(engine: AsyncEngine) -> str | None:
    def read(connection):
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)


def new_revision(script_location: str | Path, message: str) -> None:
    """Create an empty revision in a service's history (developers write the operations by hand)."""
    command.revision(alembic_config(script_location), message=message)


def head_revision(script_location: str | Path) -> str:
    return ScriptDirectory.from_config(alembic_config(script_location)).get_current_head()
