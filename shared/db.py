"""Async engine and session handling: one engine per service, one session per unit of work."""
from __future__ import annotations

import json
from pathlib import Path

import orjson
from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def json_dumps(value) -> str:
    """JSON columns as orjson writes them (several times faster than the json module, as is its reading), and as
    json writes what orjson refuses (integers past 64 bits)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


JSON_CODEC = {"json_serializer": json_dumps, "json_deserializer": orjson.loads}


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **JSON_CODEC)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - exercised via every sqlite test
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # No pre-ping: it costs every transaction a round trip. A connection found broken invalidates the whole pool
    # (SQLAlchemy does so on a disconnect error), so after an outage one statement fails and the next reconnects.
    # At most 10 connections per engine: a service has two (requests; relay and consumers), so four services stay
    # within PostgreSQL's default 100 connections with room for operators. A request whose fields' loaders want more
    # at once waits for one to come back, where more would risk "too many clients" and cost every process memory
    # for connections idle most of the time.
    return create_async_engine(url, pool_size=5, max_overflow=5, **JSON_CODEC)


def create_relay_engine(url: str) -> AsyncEngine | None:
    """The outbox relay's own engine on PostgreSQL (None elsewhere): its transactions commit without waiting for
    the WAL to reach the disk (`synchronous_commit` off). All they commit is that rows were published (or why not);
    should PostgreSQL crash before writing that down, those rows are published again, and the consumers' inbox gives
    each event one effect. A state change and its outbox row still commit durably, on the service's own engines.
    Two connections, both kept: a round's and the fast path's marking (shared.outbox_handoff) at the same time; an
    overflow connection would be opened and closed again at every such moment under load."""
    if make_url(url).get_backend_name() != "postgresql":
        return None
    return create_async_engine(url, pool_size=2, max_overflow=0, **JSON_CODEC,
                               connect_args={"server_settings": {"synchronous_commit": "off"}})


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def create_read_session_factory(engine: AsyncEngine) -> async_sessionmaker:
    """Sessions for reading only (queries' resolvers and loaders): on PostgreSQL each statement runs on its own,
    without BEGIN before and ROLLBACK after, two round trips a session saves. Under READ COMMITTED every statement
    reads its own snapshot either way, so nothing a reader sees changes; anything written through such a session
    would commit at once, which is why writes go through a unit of work (`runtime.uow()`) and never these."""
    if not is_postgres(engine):
        return create_session_factory(engine)
    return async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


def upsert(session: AsyncSession, table: Table):
    """An INSERT that can say what to do ON CONFLICT, in the session's dialect (PostgreSQL's and SQLite's share
    `on_conflict_do_nothing` / `on_conflict_do_update`): the one way for two transactions to create the same row
    at once without either failing, where a read-then-insert lets both read "missing"."""
    dialect = session.bind.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no INSERT ... ON CONFLICT for {dialect}")
