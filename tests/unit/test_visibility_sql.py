"""R-SEC-2, R-PUB-1: the need-to-know rule as a WHERE clause (shared.visibility.project_visible_sql) lets through
exactly the projects the Python rule (can_see_project) does, for every caller on the table of cases, on SQLite (the
PostgreSQL form: tests/integration/test_visibility_sql_postgres.py)."""
from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.visibility_table import IDENTITIES, PROJECTS, disagreements


@pytest.mark.parametrize("with_published", [True, False])
async def test_r_sec_2_sql_and_python_agree_on_every_case(tmp_path, with_published):
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/cases.db")
    try:
        assert await disagreements(engine, with_published=with_published) == []
    finally:
        await engine.dispose()
    assert len(IDENTITIES) * len(PROJECTS) > 1000  # the table is a table, not a sample of two
