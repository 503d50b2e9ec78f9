"""R-AUD-2: the pseudo-random stream anybody can recompute. SHA-256 of (seed, counter) exactly as Rivest's
sampler.py, with biased values rejected, and duplicates rejected when sampling without replacement."""
from collections import Counter

import pytest

from services.audit.domain.sampling.prng import HASH_SPACE, Sha256Counter, sample_indices

# The transcript published with Rivest's sampler.py (2011): seed, a=1, b=876, n=47, without replacement; the
# 32nd value (611) repeats the 8th and is rejected.
RIVEST_SEED = "3546311556112163624615351222"
RIVEST_OUTPUT = [740, 180, 264, 789, 238, 448, 272, 611, 761, 208, 596, 88, 160, 113, 766, 427, 184, 816, 653, 411,
                 779, 331, 339, 487, 594, 235, 65, 527, 821, 490, 461, 251, 471, 414, 174, 567, 300, 134, 144, 357,
                 786, 792, 218, 550, 787, 537, 197]


def test_R_AUD_2_the_stream_reproduces_rivests_published_sampler_transcript():
    assert [i + 1 for i in sample_indices(RIVEST_SEED, 47, 876)] == RIVEST_OUTPUT


def test_R_AUD_2_the_same_seed_gives_the_same_draw_and_another_seed_another():
    assert sample_indices("seed-a", 50, 10_000) == sample_indices("seed-a", 50, 10_000)
    assert sample_indices("seed-a", 50, 10_000) != sample_indices("seed-b", 50, 10_000)
    assert len(set(sample_indices("seed-a", 900, 1000))) == 900  # without replacement


def test_R_AUD_2_biased_values_are_rejected_not_folded_back():
    """With n = 3/4 of 2**256, a quarter of all hash values lie past the last whole block; folding them back by
    modulo would put half the draws into the first third of the range. Rejecting them keeps it a third."""
    n = 3 * (HASH_SPACE // 4)
    stream = Sha256Counter("bias")
    draws = [stream.below(n) for _ in range(3000)]
    assert stream.counter > 3300  # about 4000 values were needed: rejections happened
    first_third = sum(1 for d in draws if d < n // 3) / len(draws)
    assert 0.30 < first_third < 0.37


def test_R_AUD_2_small_ranges_come_out_uniform():
    stream = Sha256Counter("uniform")
    counts = Counter(stream.below(10) for _ in range(20_000))
    chi_square = sum((counts[d] - 2000) ** 2 / 2000 for d in range(10))
    assert chi_square < 27.9  # 9 degrees of freedom, p = 0.001


def test_R_AUD_2_every_project_of_the_frame_is_equally_likely_to_be_drawn():
    hits = Counter(i for trial in range(3000) for i in sample_indices(f"trial-{trial}", 3, 10))
    assert all(abs(hits[i] - 900) < 120 for i in range(10)), hits  # 3/10 of 3000, about 5 sigma


def test_R_AUD_2_asking_for_every_position_or_too_many():
    assert sorted(sample_indices("x", 7, 7)) == list(range(7))
    with pytest.raises(ValueError):
        sample_indices("x", 8, 7)
    with pytest.raises(ValueError):
        Sha256Counter("x").below(0)
