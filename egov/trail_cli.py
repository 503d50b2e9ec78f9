"""`egov trail verify --service S`: walk a service's decision trail (R-OVS-1) and name the first broken entry.

    egov trail verify --service finance              # the service's database: DATABASE_URL, or DATA_DIR/finance.db
    egov trail verify --service audit --input t.json # an export: the `auditTrail` GraphQL answer, or a list of entries
    ... --expect-head HASH                           # the head hash published earlier: catches a tail cut off
    ... --input page2.json --after 100:HASH          # a page fetched with `after: 100`, continuing from the entry
                                                     # a check of the pages before printed as its head

Exit status: 0 intact, 1 broken, 2 the trail could not be read.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path

from shared.trail import GENESIS, TrailEntry, TrailReport, verify

INTACT, BROKEN, UNREADABLE = 0, 1, 2


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def entries_from_export(service: str, value) -> list[TrailEntry]:
    if isinstance(value, dict):  # {"data": {"<service>Trail": [...]}} or {"<service>Trail": [...]}
        value = value.get("data", value)[f"{service}Trail"]
    entries = []
    for item in value:
        item = {_snake(key): field for key, field in item.items()}
        entries.append(TrailEntry(seq=int(item["seq"]), previous_hash=item["previous_hash"],
                                  content_digest=item["content_digest"], entry_hash=item["entry_hash"],
                                  classified=bool(item["classified"]), content=item.get("content")))
    return entries


def _from_export(service: str, path: str, after: tuple[int, str] | None) -> TrailReport:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    after_seq, after_hash = after or (0, GENESIS)
    return verify(entries_from_export(service, json.loads(text)), after_seq=after_seq, after_hash=after_hash)


def _after(value: str) -> tuple[int, str]:
    seq, _, entry_hash = value.partition(":")
    if not seq.isdigit() or not re.fullmatch(r"[0-9a-fA-F]{64}", entry_hash):
        raise argparse.ArgumentTypeError("give the entry the export continues from as SEQ:HASH (its entry hash, "
                                         "64 hex digits), as a check of the pages before printed its head")
    return int(seq), entry_hash.lower()


def _from_database(service: str) -> TrailReport:
    from egov.registry import SERVICES
    from shared.db import create_engine, create_session_factory
    from shared.settings import Settings
    from shared.trail_store import HEAD_TABLE, TRAIL_TABLE, DecisionTrail, TrailTables

    tables = SERVICES[service].metadata.tables
    trail = TrailTables(tables[TRAIL_TABLE], tables[HEAD_TABLE])

    async def walk() -> TrailReport:
        engine = create_engine(Settings().database_url_for(service))
        try:
            async with create_session_factory(engine)() as session:
                return await DecisionTrail(trail, session).verify()
        finally:
            await engine.dispose()

    return asyncio.run(walk())


def cmd_verify(args) -> int:
    from egov.registry import chosen

    chosen([args.service], "egov trail verify")
    try:
        if args.after and not args.input:
            print("egov trail verify: --after continues an exported page (--input)", file=sys.stderr)
            return UNREADABLE
        report = _from_export(args.service, args.input, args.after) if args.input else _from_database(args.service)
    except Exception as error:  # unreadable file or database: said apart from a broken chain
        print(f"egov trail verify: cannot read the {args.service} trail: {type(error).__name__}: {error}",
              file=sys.stderr)
        return UNREADABLE
    print(f"{args.service} trail: {report.checked} entries checked"
          + (f" ({report.withheld} with content withheld)" if report.withheld else "")
          + f"; head {report.head_seq} {report.head_hash}")
    if report.broken is not None:
        print(f"BROKEN at entry {report.broken.seq}: {report.broken.kind}: {report.broken.problem}")
        return BROKEN
    if args.expect_head and args.expect_head.lower() != report.head_hash:
        print(f"BROKEN at entry {report.head_seq + 1}: ENTRY_MISSING: the head is {report.head_hash}, not the "
              f"expected {args.expect_head} (entries cut off at the end, or another trail)")
        return BROKEN
    print("INTACT")
    return INTACT


def add_trail_commands(commands: argparse._SubParsersAction) -> None:
    trail = commands.add_parser("trail", help="a service's hash-chained decision trail (R-OVS-1)")
    trail_commands = trail.add_subparsers(dest="trail_command", required=True)
    check = trail_commands.add_parser("verify", help="walk the chain and report the first broken entry")
    check.add_argument("--service", required=True, help="approval, finance, audit or secrecy")
    check.add_argument("--input", help="an exported trail (the <service>Trail GraphQL answer, or a JSON list of "
                                       "entries; '-' for stdin); default: the service's database")
    check.add_argument("--after", type=_after, metavar="SEQ:HASH",
                       help="with --input: the page continues after this entry (its sequence and entry hash, as the "
                            "check of the pages before printed its head)")
    check.add_argument("--expect-head", help="the head hash published earlier: catches entries cut off at the end")
    check.set_defaults(func=lambda args: sys.exit(cmd_verify(args)))
