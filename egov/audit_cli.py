"""The Audit Bureau's commands of the `egov` CLI: recompute a published draw from its inputs alone, and make a seed
commitment (its decision trail is checked by `egov trail verify --service audit`).

    egov audit-draw verify --inputs draw.json      # exit 0: verified; 1: does not add up; 2: unreadable
    egov audit-draw seed-commitment --seed-file secret.txt
"""
from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

from services.audit.domain.sampling.commitment import seed_commitment
from services.audit.domain.sampling.document import Verification, verify_document
from services.audit.domain.sampling.errors import DrawError

VERIFIED, FAILED, UNREADABLE = 0, 1, 2


def _read_json(path: str):
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    return json.loads(text)


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


def _print_draw(report: Verification, show_selection: bool) -> None:
    c = report.commitment
    print(f"draw {c.draw_id}: {c.jurisdiction} {c.year}, {c.method.value} at {c.proportion}, "
          f"stratified by {c.stratify_by.value}; frame of {c.frame_count} projects")
    for check in report.checks:
        print(f"  {'ok  ' if check.passed else 'FAIL'}  {check.name}: {check.detail}")
    if report.result is not None:
        selected = report.result.selected
        print(f"  selection: {len(selected)} projects, {_yuan(sum(i.amount for i in selected))} yuan, "
              f"digest {report.result.selection_digest}")
        for stratum in report.result.strata:
            print(f"    stratum {stratum.key or '(all)'!r}: frame {stratum.items} projects "
                  f"({_yuan(stratum.amount)} yuan), sample size {stratum.sample_size}, drawn "
                  f"{len(stratum.selected)} ({_yuan(stratum.selected_amount)} yuan)"
                  + (f", {len(stratum.certain_by_size)} by size" if stratum.certain_by_size else ""))
        if show_selection:
            for item in selected:
                print(f"    {item.project_id}\t{item.code}\t{item.amount}")
    elif not any(check.name == "seed matches commitment" for check in report.checks):
        print("  the seed has not been revealed yet: only the commitment and the frame were checked")


def cmd_draw_verify(args) -> int:
    try:
        report = verify_document(_read_json(args.inputs))
    except (OSError, ValueError) as error:  # DrawError and json's errors are ValueErrors
        message = error.message if isinstance(error, DrawError) else str(error)
        print(f"egov audit-draw verify: cannot read the draw document: {message}", file=sys.stderr)
        return UNREADABLE
    if args.json:
        print(json.dumps({"verified": report.ok, "checks": [c.__dict__ for c in report.checks],
                          "selection": report.result.selected_ids if report.result else None,
                          "selection_digest": report.result.selection_digest if report.result else None}, indent=2))
    else:
        _print_draw(report, args.show_selection)
        print("VERIFIED" if report.ok else "FAILED: the published draw does not follow from its inputs")
    return VERIFIED if report.ok else FAILED


def cmd_seed_commitment(args) -> int:
    seed = args.seed
    if args.seed_file:
        seed = Path(args.seed_file).read_text(encoding="utf-8")
        seed = seed[:-1] if seed.endswith("\n") else seed
    if not seed:
        print("egov audit-draw seed-commitment: give --seed or --seed-file", file=sys.stderr)
        return UNREADABLE
    print(seed_commitment(seed))
    return VERIFIED


def _exits(command):
    """`egov` ignores what a command returns; these commands speak through their exit status."""
    return lambda args: sys.exit(command(args))


def add_audit_commands(commands: argparse._SubParsersAction) -> None:
    draw = commands.add_parser("audit-draw", help="the Audit Bureau's verifiable draw (R-AUD-2)")
    draw_commands = draw.add_subparsers(dest="audit_draw_command", required=True)
    verify = draw_commands.add_parser("verify", help="recompute a published draw from its inputs alone")
    verify.add_argument("--inputs", required=True, help="the published draw document (JSON), '-' for stdin")
    verify.add_argument("--show-selection", action="store_true", help="list the drawn projects")
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    verify.set_defaults(func=_exits(cmd_draw_verify))
    commitment = draw_commands.add_parser("seed-commitment", help="print the SHA-256 commitment of a secret seed")
    commitment.add_argument("--seed", help="the secret seed (prefer --seed-file: shells keep history)")
    commitment.add_argument("--seed-file", help="a file holding the seed (one trailing newline is ignored)")
    commitment.set_defaults(func=_exits(cmd_seed_commitment))

