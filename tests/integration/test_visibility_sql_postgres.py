"""R-SEC-2, R-PUB-1: the need-to-know WHERE clause agrees with the Python rule on PostgreSQL too (its JSON unit path
is tested with jsonb containment there, json_each on SQLite)."""
from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.visibility_table import disagreements


@pytest.mark.parametrize("with_published", [True, False])
async def test_r_sec_2_sql_and_python_agree_on_postgres(postgres, with_published):
    engine = create_async_engine(await postgres.create("visibility"))
    try:
        assert await disagreements(engine, with_published=with_published) == []
    finally:
        await engine.dispose()
