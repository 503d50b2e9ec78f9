"""`egov publish oc4ids`: the published projects (R-PUB-1) as an OC4IDS 0.9.5 project package, on standard output.

    egov publish oc4ids [--jurisdiction CITY] [--year 2026] > package.json

It reads the approval service's database (DATABASE_URL, or DATA_DIR/approval.db embedded) through the public query
itself (`publishedProjects`, run as the public), so it holds exactly what the gateway's
/open-data/oc4ids.json download holds. Exit status 0: written; 1: no published project matches (an OC4IDS package
holds at least one); 2: the database could not be read.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timezone
from types import SimpleNamespace

from shared.jurisdictions import JURISDICTIONS

WRITTEN, NONE_MATCH, UNREADABLE = 0, 1, 2


async def read_published(database_url: str, *, jurisdiction: str | None, year: int | None) -> list[dict]:
    from services.approval.graphql.schema import create_schema
    from shared.auth import PUBLIC
    from shared.db import create_engine, create_read_session_factory
    from shared.graphql import RequestContext
    from shared.open_data.published import published_projects

    engine = create_engine(database_url)
    schema = create_schema()
    runtime = SimpleNamespace(reads=create_read_session_factory(engine))  # what the schema's readers use
    try:
        async def execute(query: str, variables: dict) -> dict:
            result = await schema.execute(query, variable_values=variables,
                                          context_value=RequestContext(identity=PUBLIC, runtime=runtime))
            return {"data": result.data, **({"errors": [{"message": e.message} for e in result.errors]}
                                            if result.errors else {})}

        return await published_projects(execute, jurisdiction=jurisdiction, year=year)
    finally:
        await engine.dispose()


def package_text(found: list[dict], *, indent: int | None = 2) -> str:
    """The package of `found` (as the public query answers them), dated by the latest change they show."""
    from shared.open_data import oc4ids

    projects = [oc4ids.project(p) for p in found]
    updated = [datetime.fromisoformat(p["updated"]) for p in projects if "updated" in p]
    published = max(updated) if updated else datetime.now(timezone.utc).replace(microsecond=0)
    return oc4ids.dumps(oc4ids.package(projects, published_date=published), indent=indent)


def cmd_publish_oc4ids(args) -> int:
    from shared.settings import Settings

    try:
        found = asyncio.run(read_published(Settings().database_url_for("approval"), jurisdiction=args.jurisdiction,
                                           year=args.year))
    except Exception as error:  # an unreadable database: say so, distinctly from an empty selection
        print(f"egov publish oc4ids: cannot read the published projects: {type(error).__name__}: {error}",
              file=sys.stderr)
        return UNREADABLE
    if not found:
        print("egov publish oc4ids: no published project matches", file=sys.stderr)
        return NONE_MATCH
    print(package_text(found, indent=None if args.compact else 2))
    return WRITTEN


def add_publish_commands(commands: argparse._SubParsersAction) -> None:
    publish = commands.add_parser("publish", help="open data: the published projects (R-PUB-1)")
    formats = publish.add_subparsers(dest="publish_format", required=True)
    oc4ids = formats.add_parser("oc4ids", help="an OC4IDS 0.9.5 project package of the published projects")
    oc4ids.add_argument("--jurisdiction", choices=list(JURISDICTIONS))
    oc4ids.add_argument("--year", type=int, help="the budget year of the projects' codes")
    oc4ids.add_argument("--compact", action="store_true", help="one line instead of indented JSON")
    oc4ids.set_defaults(func=lambda args: sys.exit(cmd_publish_oc4ids(args)))
