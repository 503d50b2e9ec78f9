"""Benchmark (not a test): verifying a service's hash-chained decision trail (shared.trail) of 100,000 entries.

    .venv/bin/python benchmarks/audit_trail.py [--entries 100000] [--runs 5]

Builds a chain of decisions like the bureau's (engagement steps and findings, a tenth of them about classified
projects), then times `verify` over it (median of several runs): intact, with the content of the classified
entries withheld (as an uncleared oversight reader gets it), and with one entry near the end altered. Prints the
peak memory of one verification (tracemalloc) and the process's peak resident size.
"""
from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.trail import GENESIS, Decision, chain, verify  # noqa: E402

ACTIONS = ("OPEN_ENGAGEMENT", "START_FIELDWORK", "PUBLISH_FINDING", "CLOSE_ENGAGEMENT")


def build_chain(n: int) -> list:
    entries, previous, start = [], GENESIS, datetime(2026, 1, 1, tzinfo=timezone.utc)
    for i in range(n):
        action = ACTIONS[i % 4]
        decision = Decision(
            at=start + timedelta(seconds=37 * i), department="AUDIT_BUREAU", unit="yiyang-audit-bureau",
            actor=f"audit:clerk-{i % 7}", action=action, subject_type="ENGAGEMENT", subject_id=f"e-{i // 4:08d}",
            project_id=f"p-{i // 4:08d}", classified=(i // 4) % 10 == 0,
            reason="special funds paid for unrelated work" if action == "PUBLISH_FINDING" else None,
            details={"engagement_id": f"e-{i // 4:08d}", "status": action, "amount": 1_200_000_00 + i})
        entries.append(chain(i + 1, previous, decision))
        previous = entries[-1].entry_hash
    return entries


def measure(label: str, entries: list, runs: int) -> None:
    times, report = [], None
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        report = verify(entries)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    verify(entries)
    peak = tracemalloc.get_traced_memory()[1] / 2**10
    tracemalloc.stop()
    outcome = "intact" if report.intact else f"broken at {report.broken.seq}"
    print(f"{label:<38}{statistics.median(times):>9.3f}{min(times):>8.3f}{max(times):>8.3f}"
          f"{report.checked:>9}{report.withheld:>9}  {outcome:<18}{peak:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    entries = build_chain(args.entries)
    print(f"chain of {len(entries):,} entries built (appended) in {time.perf_counter() - started:.2f} s; "
          f"median of {args.runs} runs")
    print(f"{'what':<38}{'median s':>9}{'min s':>8}{'max s':>8}{'checked':>9}{'withheld':>9}  {'result':<18}"
          f"{'peak KiB':>9}")
    measure("verify, every content visible", entries, args.runs)
    measure("verify, classified content withheld", [e.withheld() if e.classified else e for e in entries],
            args.runs)
    tampered = list(entries)
    at = len(tampered) - 10
    tampered[at] = replace(tampered[at], content=tampered[at].content.replace("clerk", "CLERK"))
    measure("verify, one entry altered near the end", tampered, args.runs)
    print(f"process peak resident size: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
