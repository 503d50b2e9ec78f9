"""R-AUD-1 / R-AUD-2 in the pure sampling code: the certainty threshold, sample sizes, SRS, monetary-unit (PPS)
sampling, stratification, and the refusals of bad input."""
from collections import Counter
from fractions import Fraction

import pytest

from services.audit.domain.plan import PopulationRole, RegisterFacts, partition
from services.audit.domain.sampling.errors import DrawError
from services.audit.domain.sampling.frame import FrameItem, frame_digest
from services.audit.domain.sampling.methods import (
    Method,
    Stratification,
    draw,
    monetary_unit_sample,
    parse_proportion,
    sample_size,
    simple_random_sample,
)

MILLION = 1_000_000_00


def frame(n: int, amount=lambda i: (i % 9 + 1) * MILLION, units=("u-a", "u-b", "u-c")) -> list[FrameItem]:
    return [FrameItem(f"p-{i:06d}", f"CITY-2026-{i:04d}", units[i % len(units)], "IT_MAINTENANCE", amount(i))
            for i in range(n)]


def test_R_AUD_1_the_threshold_is_20m_yuan_inclusive_and_classified_small_projects_are_audited_in_full():
    facts = [RegisterFacts("p-1", "c1", "u", ("u",), "k", 20_000_000_00, False),
             RegisterFacts("p-2", "c2", "u", ("u",), "k", 20_000_000_00 - 1, False),
             RegisterFacts("p-3", "c3", "u", ("u",), "k", 20_000_000_00 - 1, True),
             RegisterFacts("p-4", "c4", "u", ("u",), "k", 50_000_000_00, True)]
    roles = {m.project_id: m.role for m in partition("plan", facts)}
    assert roles == {"p-1": PopulationRole.CERTAINTY, "p-2": PopulationRole.FRAME,
                     "p-3": PopulationRole.CLASSIFIED, "p-4": PopulationRole.CERTAINTY}


@pytest.mark.parametrize("text,canonical", [("0.10", "0.1"), ("1", "1"), ("1.000", "1"), (" 0.05 ", "0.05"),
                                            ("0.333333333333333333333", "0.333333333333333333333")])
def test_R_AUD_2_a_proportion_is_an_exact_decimal_in_0_1(text, canonical):
    value, written = parse_proportion(text)
    assert written == canonical and 0 < value <= 1 and isinstance(value, Fraction)


@pytest.mark.parametrize("text", ["0", "0.0", "-0.1", "1.0000001", "2", "NaN", "Infinity", "abc", ""])
def test_R_AUD_2_a_proportion_outside_0_1_is_refused(text):
    with pytest.raises(DrawError) as refused:
        parse_proportion(text)
    assert refused.value.field == "proportion" and refused.value.rule == "R-AUD-2"


def test_R_AUD_2_the_sample_size_is_the_proportion_rounded_up_exactly():
    assert sample_size(Fraction(1, 10), 10) == 1 and sample_size(Fraction(1, 10), 11) == 2
    assert sample_size(Fraction(3, 20), 20) == 3 and sample_size(Fraction(1), 7) == 7
    assert sample_size(Fraction("0.07"), 1_000_000) == 70_000  # no float rounding on a large frame
    assert sample_size(Fraction(1, 1000), 1) == 1  # a stratum with projects yields at least one


def test_R_AUD_2_an_empty_frame_or_a_broken_one_is_refused():
    with pytest.raises(DrawError) as empty:
        draw([], proportion=Fraction(1, 2), method=Method.SRS, stratify_by=Stratification.NONE, seed="s")
    assert empty.value.field == "frame"
    twice = frame(3) + frame(1)
    with pytest.raises(DrawError, match="twice"):
        frame_digest(twice)
    with pytest.raises(DrawError, match="tabs"):
        frame_digest([FrameItem("p-1", "a\tb", "u", "k", 1)])


def test_R_AUD_2_srs_is_deterministic_whatever_order_the_frame_comes_in():
    items = frame(500)
    first = draw(items, proportion=Fraction(1, 10), method=Method.SRS, stratify_by=Stratification.NONE, seed="s1")
    again = draw(list(reversed(items)), proportion=Fraction(1, 10), method=Method.SRS,
                 stratify_by=Stratification.NONE, seed="s1")
    assert first.selected_ids == again.selected_ids and len(first.selected_ids) == 50
    assert first.selected_ids == [i.project_id for i in simple_random_sample(items, 50, "s1")]
    other = draw(items, proportion=Fraction(1, 10), method=Method.SRS, stratify_by=Stratification.NONE, seed="s2")
    assert other.selected_ids != first.selected_ids


def test_R_AUD_2_the_frame_digest_does_not_depend_on_the_order_but_on_every_field():
    items = frame(20)
    assert frame_digest(items) == frame_digest(list(reversed(items)))
    changed = items[:5] + [FrameItem(items[5].project_id, items[5].code, items[5].unit, items[5].kind,
                                     items[5].amount + 1)] + items[6:]
    assert frame_digest(changed) != frame_digest(items)


def test_R_AUD_2_stratification_draws_the_proportion_within_each_stratum_from_its_own_stream():
    items = frame(100)  # 34, 33 and 33 projects in units u-a, u-b, u-c
    result = draw(items, proportion=Fraction(1, 10), method=Method.SRS, stratify_by=Stratification.UNIT, seed="s")
    assert [(s.key, s.items, s.sample_size, len(s.selected)) for s in result.strata] == [
        ("u-a", 34, 4, 4), ("u-b", 33, 4, 4), ("u-c", 33, 4, 4)]
    for stratum in result.strata:
        assert {i.unit for i in stratum.selected} == {stratum.key}
        members = [i for i in items if i.unit == stratum.key]
        assert list(stratum.selected) == simple_random_sample(members, 4, f"s,{stratum.key}")
    by_kind = draw(items, proportion=Fraction(1, 10), method=Method.SRS, stratify_by=Stratification.KIND, seed="s")
    assert [(s.key, s.sample_size) for s in by_kind.strata] == [("IT_MAINTENANCE", 10)]


def test_R_AUD_2_pps_takes_projects_at_or_above_the_interval_with_certainty_and_exactly_n_in_all():
    amounts = {0: 600 * MILLION, 1: 300 * MILLION}  # far above the interval total / n
    items = frame(200, amount=lambda i: amounts.get(i, MILLION if i % 10 else 0))
    selected, by_size = monetary_unit_sample(items, 20, "s")
    assert {i.project_id for i in by_size} == {"p-000000", "p-000001"}
    assert len(selected) == 20 and len({i.project_id for i in selected}) == 20
    assert all(i.amount > 0 for i in selected)  # no monetary unit, no chance
    assert selected == monetary_unit_sample(list(items), 20, "s")[0]


def test_R_AUD_2_pps_chances_grow_with_the_amount():
    items = [FrameItem(f"p-{i}", "c", "u", "k", amount) for i, amount in enumerate([1, 2, 3, 4] * 5)]
    hits = Counter(i.amount for trial in range(2000) for i in monetary_unit_sample(items, 4, f"t{trial}")[0])
    # inclusion probability n * amount / total = 4 * a / 50: 0.08, 0.16, 0.24, 0.32, times 5 projects, 2000 trials
    for amount, expected in {1: 800, 2: 1600, 3: 2400, 4: 3200}.items():
        assert abs(hits[amount] - expected) < 0.12 * expected, hits


def test_R_AUD_2_pps_with_a_proportion_of_one_takes_every_project_with_an_amount():
    items = frame(30, amount=lambda i: i * MILLION)  # p-000000 has no amount
    result = draw(items, proportion=Fraction(1), method=Method.PPS, stratify_by=Stratification.NONE, seed="s")
    assert len(result.selected_ids) == 29 and "p-000000" not in result.selected_ids
