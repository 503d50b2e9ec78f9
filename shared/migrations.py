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
    script = ScriptDirectory.from_config(alembic_config(script_location))

    def run(connection) -> None:
        def do_upgrade(rev, _context):
            return script._upgrade_revs(revision, rev)

        with EnvironmentContext(alembic_config(script_location), script, fn=do_upgrade,
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
