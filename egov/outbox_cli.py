"""The outbox commands of the `egov` CLI, against each service's own database (DATABASE_URL or DATA_DIR):

    egov outbox parked [SERVICE ...]          # the rows the broker kept refusing, and what waits behind them
    egov outbox retry EVENT_ID [--service S]  # put a parked row back in line; the running relay publishes it
"""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from shared.settings import Settings


def _runtimes(names: list[str]):
    from egov.registry import SERVICES, chosen
    from shared.db import create_engine, create_session_factory

    settings = Settings()
    for name in chosen(names, "egov outbox"):
        url = make_url(settings.database_url_for(name))
        if url.get_backend_name() == "sqlite" and not Path(url.database).exists():
            continue  # never served here: nothing to read, and no empty database file to leave behind
        engine = create_engine(url.render_as_string(hide_password=False))
        outbox = SERVICES[name].metadata.tables["outbox"]
        yield name, engine, create_session_factory(engine), outbox


def _not_here(name: str, exc: Exception) -> None:
    print(f"{name}: no outbox to read ({type(exc).__name__}; is its database migrated?)", file=sys.stderr)


def cmd_parked(args) -> None:
    from shared.outbox_admin import parked_rows

    async def show() -> int:
        total = 0
        for name, engine, sessions, outbox in _runtimes(args.services):
            try:
                rows = await parked_rows(sessions, outbox)
            except DBAPIError as exc:
                _not_here(name, exc)
                continue
            finally:
                await engine.dispose()
            total += len(rows)
            for row in rows:
                print(f"{name}\t{row.event_id}\tseq {row.seq}\t{row.type}\tsubject {row.subject or '-'}\t"
                      f"parked {row.parked_at.isoformat(timespec='seconds')} after {row.attempts} attempts\t"
                      f"{row.waiting_behind} later events of its subject wait\t{row.last_error or ''}")
        return total

    if asyncio.run(show()) == 0:
        print("no parked outbox rows")


def cmd_retry(args) -> None:
    from shared.outbox_admin import retry_parked

    async def retry() -> list[str]:
        found = []
        for name, engine, sessions, outbox in _runtimes([args.service] if args.service else []):
            try:
                if await retry_parked(sessions, outbox, args.event_id):
                    found.append(name)
            except DBAPIError as exc:
                _not_here(name, exc)
            finally:
                await engine.dispose()
        return found

    found = asyncio.run(retry())
    if not found:
        sys.exit(f"egov outbox retry: no parked outbox row has event id {args.event_id}")
    print(f"{', '.join(found)}: event {args.event_id} is back in line; the service's relay publishes it next")


def add_outbox_commands(commands) -> None:
    outbox = commands.add_parser("outbox", help="the services' outboxes: parked events and retrying them")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True)
    parked = outbox_commands.add_parser("parked", help="list the events the broker kept refusing (parked)")
    parked.add_argument("services", nargs="*", metavar="SERVICE",
                        help="approval, finance, audit or secrecy (default: all four)")
    parked.set_defaults(func=cmd_parked)
    retry = outbox_commands.add_parser("retry", help="put a parked event back in line, with fresh attempts")
    retry.add_argument("event_id", metavar="EVENT_ID")
    retry.add_argument("--service", help="the service whose outbox holds it (default: look in all four)")
    retry.set_defaults(func=cmd_retry)
