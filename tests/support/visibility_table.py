"""The table of cases on which the SQL form of need to know must agree with the Python rule (R-SEC-2, R-PUB-1):
every department, a unit, its parent and a stranger, cleared or not, against projects of every kind."""
from __future__ import annotations

from itertools import product

from sqlalchemy import JSON, Boolean, Column, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.auth import Department, Identity
from shared.visibility import SECRECY_CLEARANCE_ROLE, can_see_project, json_array_holds, project_visible_sql

metadata = MetaData()
rows = Table("visibility_cases", metadata, Column("id", String(20), primary_key=True),
             Column("unit_path", JSON, nullable=False), Column("classified", Boolean, nullable=False),
             Column("published", Boolean, nullable=False))

UNIT_PATHS = {"own": ["health", "city"], "subordinate": ["clinic", "health", "city"], "other": ["education", "city"],
              "none": [], "prefix": ["health-annex"]}  # "health-annex" is not "health": whole names only
PROJECTS = [{"id": f"{path}-{int(classified)}{int(published)}", "unit_path": unit_path, "classified": classified,
             "published": published}
            for (path, unit_path), classified, published in product(UNIT_PATHS.items(), (False, True), (False, True))]
IDENTITIES = [Identity(department, unit=unit, roles=roles)
              for department in Department for unit in (None, "health", "city", "clinic", "education")
              for roles in ((), (SECRECY_CLEARANCE_ROLE,))]


async def disagreements(engine: AsyncEngine, *, with_published: bool) -> list[tuple]:
    """(identity, what SQL lets through, what Python lets through) wherever they differ."""
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(insert(rows), PROJECTS)
    found = []
    async with engine.connect() as connection:
        for identity in IDENTITIES:
            where = project_visible_sql(identity, classified=rows.c.classified,
                                        unit_managed=lambda unit: json_array_holds(rows.c.unit_path, unit),
                                        published=rows.c.published if with_published else None)
            by_sql = set((await connection.execute(select(rows.c.id).where(where))).scalars())
            by_python = {p["id"] for p in PROJECTS if can_see_project(
                identity, unit_path=p["unit_path"], classified=p["classified"],
                **({"published": p["published"]} if with_published else {}))}
            if by_sql != by_python:
                found.append((identity, sorted(by_sql), sorted(by_python)))
    return found
