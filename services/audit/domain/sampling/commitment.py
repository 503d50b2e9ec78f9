"""The commitment (承诺) the bureau publishes before the seed is known, and the check of the revealed seed.

The commitment fixes everything the draw depends on except the seed: the frame (by digest, count and amount), the
proportion, the method, the strata, and either the SHA-256 of a secret seed or the name of a public randomness
value yet to come (a drand round, a NIST beacon pulse). Its own digest is SHA-256 of its canonical JSON.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from enum import Enum

from services.audit.domain.sampling.errors import DrawError
from services.audit.domain.sampling.methods import Method, Stratification, parse_proportion

FORMAT = "yiyang-audit-draw/1"
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_RANDOMNESS_HEX = re.compile(r"^(?:[0-9a-f]{64}|[0-9a-f]{128})$")  # drand: 32 bytes; NIST beacon 2.0: 64 bytes


class CommitmentKind(str, Enum):
    SECRET_HASH = "SECRET_HASH"  # SHA-256 of a secret seed, revealed after the commitment
    PUBLIC_RANDOMNESS = "PUBLIC_RANDOMNESS"  # a public randomness value not yet published at commitment time


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_commitment(seed: str) -> str:
    """What the bureau publishes for a secret seed: SHA-256 of its UTF-8 text, in lowercase hex."""
    return sha256_hex(seed)


def commitment_terms(seed_sha256: str | None, randomness_source: str | None) -> tuple[CommitmentKind, str | None,
                                                                                      str | None]:
    """Exactly one of a seed hash or a named public randomness source; normalised."""
    seed_sha256 = (seed_sha256 or "").strip().lower() or None
    randomness_source = " ".join((randomness_source or "").split()) or None
    if (seed_sha256 is None) == (randomness_source is None):
        raise DrawError("commit to exactly one of: the SHA-256 of a secret seed, or a public randomness source "
                        "still to come (e.g. 'drand quicknet round 12345678')", "seedCommitment")
    if seed_sha256 is not None:
        if not _SHA256_HEX.match(seed_sha256):
            raise DrawError("the seed commitment is a SHA-256 digest: 64 hexadecimal characters", "seedCommitment")
        return CommitmentKind.SECRET_HASH, seed_sha256, None
    if len(randomness_source) > 200:
        raise DrawError("name the randomness source in at most 200 characters", "randomnessSource")
    return CommitmentKind.PUBLIC_RANDOMNESS, None, randomness_source


@dataclass(frozen=True)
class Commitment:
    draw_id: str
    jurisdiction: str
    year: int
    proportion: str  # canonical decimal text, e.g. "0.15"
    method: Method
    stratify_by: Stratification
    frame_digest: str
    frame_count: int
    frame_amount: int
    kind: CommitmentKind
    seed_sha256: str | None
    randomness_source: str | None
    certainty_threshold: int  # fen; projects at or above it are audited in full and are not in the frame
    committed_at: str  # ISO 8601, UTC

    def to_json(self) -> dict:
        return {"format": FORMAT, "draw_id": self.draw_id, "jurisdiction": self.jurisdiction, "year": self.year,
                "proportion": self.proportion, "method": self.method.value, "stratify_by": self.stratify_by.value,
                "frame_digest": self.frame_digest, "frame_count": self.frame_count,
                "frame_amount": self.frame_amount, "seed_commitment": self.seed_json(),
                "certainty_threshold": self.certainty_threshold, "committed_at": self.committed_at}

    def seed_json(self) -> dict:
        if self.kind is CommitmentKind.SECRET_HASH:
            return {"kind": self.kind.value, "sha256": self.seed_sha256}
        return {"kind": self.kind.value, "source": self.randomness_source}

    @property
    def digest(self) -> str:
        return sha256_hex(canonical_json(self.to_json()))

    @classmethod
    def from_json(cls, value: dict) -> "Commitment":
        try:
            if value["format"] != FORMAT:
                raise DrawError(f"unknown draw format {value['format']!r}; this verifier reads {FORMAT}", "format")
            seed = value["seed_commitment"]
            kind, seed_sha256, source = commitment_terms(seed.get("sha256"), seed.get("source"))
            if kind.value != seed["kind"]:
                raise DrawError("the seed commitment's kind does not match its content", "seedCommitment")
            _, proportion = parse_proportion(value["proportion"])
            return cls(draw_id=str(value["draw_id"]), jurisdiction=str(value["jurisdiction"]),
                       year=int(value["year"]), proportion=proportion, method=Method(value["method"]),
                       stratify_by=Stratification(value["stratify_by"]), frame_digest=str(value["frame_digest"]),
                       frame_count=int(value["frame_count"]), frame_amount=int(value["frame_amount"]), kind=kind,
                       seed_sha256=seed_sha256, randomness_source=source,
                       certainty_threshold=int(value["certainty_threshold"]),
                       committed_at=str(value["committed_at"]))
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, DrawError):
                raise
            raise DrawError(f"the commitment is incomplete or malformed: {error}", "commitment") from None


def revealed_seed(commitment: Commitment, seed: str, randomness_source: str | None = None) -> str:
    """The seed to draw with, if it matches the commitment; else a DrawError (R-AUD-2) and no draw."""
    if not seed:
        raise DrawError("reveal the seed: it is empty", "seed")
    if commitment.kind is CommitmentKind.SECRET_HASH:
        if seed_commitment(seed) != commitment.seed_sha256:
            raise DrawError("the seed does not match the commitment: its SHA-256 differs from the one published "
                            "before the draw", "seed")
        return seed
    named = " ".join((randomness_source or "").split())
    if named != commitment.randomness_source:
        raise DrawError(f"the draw committed to the public randomness of '{commitment.randomness_source}'; name "
                        f"that same source with its value", "randomnessSource")
    value = seed.strip().lower()
    if not _RANDOMNESS_HEX.match(value):
        raise DrawError("a public randomness value is the beacon's hexadecimal output (64 characters for drand, "
                        "128 for the NIST beacon), entered as published", "seed")
    return value
