"""Sample sizes, strata, and the two selection methods: simple random sampling (SRS) and monetary-unit sampling
(MUS, a probability-proportional-to-size method), each driven only by the frame and the seed.

- Sample size of a stratum of N projects at proportion p: ceil(p * N), computed exactly (at least one project).
- Strata (分层): by the project's unit or kind, in code-point order of the key; each stratum draws from its own
  stream, whose seed is `seed + "," + key` (the whole frame, unstratified, uses `seed` itself).
- SRS: Rivest's sampler over the stratum's projects in frame order, without replacement.
- MUS: systematic selection of monetary units with one random start, after moving every project whose amount is
  at least the sampling interval into a top stratum selected with certainty (repeated until none is left).
"""
from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cached_property
from fractions import Fraction
from itertools import accumulate
from operator import attrgetter

from services.audit.domain.sampling.errors import DrawError
from services.audit.domain.sampling.frame import AMOUNT, FrameItem, canonical_frame
from services.audit.domain.sampling.prng import Sha256Counter, sample_indices


class Method(str, Enum):
    SRS = "SRS"  # simple random sampling: every project of the stratum equally likely
    PPS = "PPS"  # monetary-unit sampling: a project's chance grows with its amount


class Stratification(str, Enum):
    NONE = "NONE"
    UNIT = "UNIT"
    KIND = "KIND"


def parse_proportion(text: str | Decimal | int) -> tuple[Fraction, str]:
    """The bureau's proportion as an exact fraction in (0, 1], and its canonical decimal text."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise DrawError(f"{text!r} is not a decimal proportion such as 0.15", "proportion") from None
    if not value.is_finite() or not Decimal(0) < value <= Decimal(1):
        raise DrawError(f"the proportion must be above 0 and at most 1; {text} is not", "proportion")
    canonical = format(value.normalize(), "f")
    return Fraction(value), canonical


def sample_size(proportion: Fraction, population: int) -> int:
    """ceil(p * N), exactly: a stratum with projects always yields at least one."""
    return -(-proportion.numerator * population // proportion.denominator)


STRATUM_KEY = {Stratification.UNIT: attrgetter("unit"), Stratification.KIND: attrgetter("kind")}


def stratify(frame: Sequence[FrameItem], by: Stratification) -> list[tuple[str, Sequence[int]]]:
    """The strata in key order, each as the positions of its projects in the frame, in frame order."""
    if by is Stratification.NONE:
        return [("", range(len(frame)))]
    strata: dict[str, list[int]] = defaultdict(list)
    for position, key in enumerate(map(STRATUM_KEY[by], frame)):
        strata[key].append(position)
    return sorted(strata.items())


def stratum_seed(seed: str, key: str, by: Stratification) -> str:
    return seed if by is Stratification.NONE else f"{seed},{key}"


def simple_random_sample(items: Sequence[FrameItem], n: int, seed: str) -> list[FrameItem]:
    positions = sorted(sample_indices(seed, n, len(items)))
    return [items[i] for i in positions]


def monetary_unit_positions(amounts: list[int], n: int, seed: str) -> tuple[list[int], list[int]]:
    """Monetary-unit sampling over amounts: (positions selected, of which selected with certainty because of their
    size), both sorted. A zero amount is never selected."""
    amounts = list(amounts)  # the amounts still in play: a project taken into the top stratum drops to 0
    remaining, total, with_amount = n, sum(amounts), len(amounts) - amounts.count(0)
    top: list[int] = []
    while remaining > 0 and total > 0:
        if remaining >= with_amount:  # as many to pick as there are projects with an amount: all of them
            big = [i for i, amount in enumerate(amounts) if amount > 0]
        else:
            interval = -(-total // remaining)  # amount * remaining >= total  <=>  amount >= ceil(total / remaining)
            if max(amounts) < interval:
                break
            big = [i for i, amount in enumerate(amounts) if amount >= interval]
        for i in big:
            total, amounts[i] = total - amounts[i], 0
        top.extend(big)
        remaining, with_amount = remaining - len(big), with_amount - len(big)
    chosen = set(top)
    if remaining > 0 and total > 0:
        # Scaled by `remaining`, project i covers [remaining*C(i-1), remaining*C(i)) of the cumulative amounts C and
        # the points are start + j*total (j < remaining): every project is narrower than the step, so each holds at
        # most one point. The point x falls in the first project whose C(i) exceeds x // remaining.
        cumulative, start = list(accumulate(amounts)), Sha256Counter(seed).below(total)
        chosen.update(bisect_right(cumulative, (start + j * total) // remaining) for j in range(remaining))
    return sorted(chosen), sorted(top)


def monetary_unit_sample(items: Sequence[FrameItem], n: int, seed: str) -> tuple[list[FrameItem], list[FrameItem]]:
    """(selected, of which selected with certainty because of their size), in the items' order."""
    chosen, top = monetary_unit_positions(list(map(AMOUNT, items)), n, seed)
    return [items[i] for i in chosen], [items[i] for i in top]


@dataclass(frozen=True)
class StratumDraw:
    key: str
    items: int
    amount: int
    sample_size: int
    selected: tuple[FrameItem, ...]
    certain_by_size: tuple[str, ...] = ()  # MUS's top stratum: project ids at or above the interval

    @property
    def selected_amount(self) -> int:
        return sum(map(AMOUNT, self.selected))


@dataclass(frozen=True)
class DrawResult:
    strata: tuple[StratumDraw, ...]

    @cached_property
    def selected(self) -> list[FrameItem]:
        return sorted((item for stratum in self.strata for item in stratum.selected),
                      key=lambda item: item.project_id)

    @cached_property
    def selected_ids(self) -> list[str]:
        return [item.project_id for item in self.selected]

    @cached_property
    def selection_digest(self) -> str:
        return selection_digest(self.selected_ids)


def selection_digest(project_ids: Sequence[str]) -> str:
    """SHA-256 (hex) of the selected project ids, one per line, in id order."""
    return hashlib.sha256("".join(f"{i}\n" for i in sorted(project_ids)).encode("utf-8")).hexdigest()


def draw(frame: Sequence[FrameItem], *, proportion: Fraction, method: Method, stratify_by: Stratification,
         seed: str) -> DrawResult:
    """The deterministic draw: the same frame, proportion, method, strata and seed give the same result. The frame
    is put in its canonical order first (by project id, in code-point order: never a database's collation)."""
    frame = canonical_frame(frame)
    if not frame:
        raise DrawError("the sampling frame is empty: there is nothing to draw from", "frame")
    if not seed:
        raise DrawError("the seed is empty", "seed")
    amounts = list(map(AMOUNT, frame))
    results = []
    for key, positions in stratify(frame, stratify_by):
        n = sample_size(proportion, len(positions))
        stream_seed = stratum_seed(seed, key, stratify_by)
        stratum_amounts = amounts if stratify_by is Stratification.NONE else list(map(amounts.__getitem__, positions))
        if method is Method.SRS:
            chosen, top = sorted(sample_indices(stream_seed, n, len(positions))), []
        else:
            chosen, top = monetary_unit_positions(stratum_amounts, n, stream_seed)
        results.append(StratumDraw(key, len(positions), sum(stratum_amounts), n,
                                   tuple(frame[positions[i]] for i in chosen),
                                   tuple(frame[positions[i]].project_id for i in top)))
    return DrawResult(tuple(results))
