"""Pseudo-random numbers anybody can recompute: SHA-256 in counter mode, after Rivest's sampler.py.

The i-th value (i = 1, 2, ...) is SHA-256 of the UTF-8 text `seed + "," + str(i)`, read as a 256-bit big-endian
integer; this is exactly the hash input and reading of Ronald L. Rivest's reference sampler
(people.csail.mit.edu/rivest/sampler.py, 2011). To turn a value into a number below `n` without modulo bias we
reject values in the incomplete last block of 2**256 (those >= 2**256 - 2**256 % n) and take the next counter;
sampler.py reduces modulo n directly, whose bias (at most n / 2**256) is invisible in practice, so for every frame
this system will see both give the same draw. Sampling without replacement rejects duplicates and takes the next
counter, as sampler.py does.
"""
from __future__ import annotations

import hashlib

HASH_SPACE = 1 << 256


class Sha256Counter:
    """The stream of values SHA-256(seed,1), SHA-256(seed,2), ... as integers; `counter` is the last one used."""

    def __init__(self, seed: str):
        self.seed = seed
        self.counter = 0
        self._prefix = hashlib.sha256((seed + ",").encode("utf-8"))

    def next_value(self) -> int:
        self.counter += 1
        digest = self._prefix.copy()
        digest.update(str(self.counter).encode("ascii"))
        return int.from_bytes(digest.digest(), "big")

    def below(self, n: int) -> int:
        """A uniform integer in [0, n): biased values are rejected, never folded back."""
        if n <= 0:
            raise ValueError("the range to draw from must hold at least one number")
        limit = HASH_SPACE - HASH_SPACE % n
        while True:
            value = self.next_value()
            if value < limit:
                return value % n


def sample_indices(seed: str, n: int, population: int) -> list[int]:
    """n distinct 0-based positions out of `population`, in the order drawn (sampler.py's a=1, b=population,
    without replacement, minus one). Asking for every position returns them all: the set any run of the loop
    would end with, without the coupon collector's wait."""
    if not 0 <= n <= population:
        raise ValueError(f"cannot draw {n} distinct positions out of {population}")
    if n == population:
        return list(range(population))
    stream = Sha256Counter(seed)
    seen: set[int] = set()
    drawn: list[int] = []
    while len(drawn) < n:
        pick = stream.below(population)
        if pick not in seen:
            seen.add(pick)
            drawn.append(pick)
    return drawn
