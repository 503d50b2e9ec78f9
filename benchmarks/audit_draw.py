"""Benchmark (not a test): the Audit Bureau's draw from a frame of 1,000,000 projects, both methods.

    .venv/bin/python benchmarks/audit_draw.py [--projects 1000000] [--runs 5] [--proportion 0.1]

Times the frame digest (what the commitment publishes) and the draw itself (canonical ordering, strata, selection)
for SRS and PPS (monetary-unit sampling), unstratified and stratified by unit, and prints the median of several
runs; then the peak memory of one run of each, measured with tracemalloc (Python allocations beyond the frame
itself), and the process's peak resident size.
"""
from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import tracemalloc
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.audit.domain.sampling.frame import FrameItem, canonical_frame, frame_digest  # noqa: E402
from services.audit.domain.sampling.methods import Method, Stratification, draw  # noqa: E402

SEED = "3546311556112163624615351222"


def build_frame(n: int) -> list[FrameItem]:
    """Projects of 0.1M to 19.99M yuan (a skewed spread, like real ones), in 120 units and 12 kinds, created in the
    frame's canonical order, as the service reads them (ORDER BY project id) and as a published document lists
    them. Amounts come from a fixed LCG, unrelated to the order: the same frame every run."""
    items, state = [], 88172645463325252
    for i in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        amount = 10_000_000 + (state >> 11) % (1_989_000_000 // (1 + (state >> 60)))
        items.append(FrameItem(f"{i:07d}-{state:016x}", f"CITY-2026-{i:07d}", f"unit-{state % 120:03d}",
                               f"KIND_{state % 12:02d}", amount))
    return items


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result, min(times), max(times)


def peak_memory(function) -> int:
    gc.collect()
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--proportion", default="0.1")
    args = parser.parse_args()
    proportion = Fraction(args.proportion)

    started = time.perf_counter()
    frame = build_frame(args.projects)
    print(f"frame: {len(frame):,} projects, {sum(i.amount for i in frame) / 100:,.0f} yuan, built in "
          f"{time.perf_counter() - started:.2f} s; proportion {args.proportion}; median of {args.runs} runs")
    print(f"{'what':<34}{'median s':>10}{'min s':>8}{'max s':>8}{'selected':>10}{'peak MiB':>10}")

    shuffled = frame[::-1]  # a frame handed over in another order is sorted first
    cases = [("frame digest (commitment)", lambda: frame_digest(frame)),
             ("canonical order of a reversed frame", lambda: canonical_frame(shuffled))]
    for method in (Method.SRS, Method.PPS):
        for strata in (Stratification.NONE, Stratification.UNIT):
            cases.append((f"draw {method.value}, strata {strata.value}",
                          lambda m=method, s=strata: draw(frame, proportion=proportion, method=m, stratify_by=s,
                                                          seed=SEED)))
    for name, function in cases:
        median, result, low, high = timed(function, args.runs)
        selected = len(result.selected_ids) if hasattr(result, "selected_ids") else "-"
        peak = peak_memory(function) / 2**20
        print(f"{name:<34}{median:>10.3f}{low:>8.3f}{high:>8.3f}{selected!s:>10}{peak:>10.1f}")
    print(f"process peak resident size: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB "
          f"(frame included)")


if __name__ == "__main__":
    main()
