"""Reconciliation (核对): the year's population = certainty part + classified part + sampling frame; the plan =
certainty part + classified part + the projects drawn from the frame; counts and amounts, overall and by stratum."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from services.audit.domain.sampling.frame import FrameItem
from services.audit.domain.sampling.methods import Stratification, sample_size, stratify


@dataclass(frozen=True)
class Tally:
    count: int
    amount: int  # fen

    @classmethod
    def of(cls, amounts: Iterable[int]) -> "Tally":
        amounts = list(amounts)
        return cls(len(amounts), sum(amounts))

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.count + other.count, self.amount + other.amount)


@dataclass(frozen=True)
class StratumLine:
    key: str
    frame: Tally
    sample_size: int
    selected: Tally | None  # None before the draw


@dataclass(frozen=True)
class Reconciliation:
    population: Tally
    certainty: Tally  # R-AUD-1: 20M yuan and above
    classified_in_full: Tally  # classified projects below 20M: audited in full, never in a published frame
    frame: Tally
    selected: Tally | None
    in_plan: Tally
    strata: tuple[StratumLine, ...]

    @property
    def balanced(self) -> bool:
        parts_add_up = self.population == self.certainty + self.classified_in_full + self.frame
        strata_add_up = self.frame == sum((line.frame for line in self.strata), Tally(0, 0))
        return parts_add_up and strata_add_up


def reconcile(*, certainty: Iterable[int], classified_in_full: Iterable[int], frame: Sequence[FrameItem],
              proportion: Fraction, stratify_by: Stratification,
              selected_ids: Collection[str] | None) -> Reconciliation:
    certain, classified = Tally.of(certainty), Tally.of(classified_in_full)
    framed = Tally.of(item.amount for item in frame)
    lines = []
    for key, positions in stratify(frame, stratify_by):
        items = [frame[i] for i in positions]
        chosen = None if selected_ids is None else Tally.of(i.amount for i in items if i.project_id in selected_ids)
        lines.append(StratumLine(key, Tally.of(i.amount for i in items), sample_size(proportion, len(items)), chosen))
    selected = None if selected_ids is None else sum((line.selected for line in lines), Tally(0, 0))
    in_plan = certain + classified + (selected or Tally(0, 0))
    return Reconciliation(certain + classified + framed, certain, classified, framed, selected, in_plan, tuple(lines))
