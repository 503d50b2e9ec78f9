"""R-AUD-2: commit first, reveal after. A seed that does not match its commitment is refused; the published
document verifies from its inputs alone, and any change to the frame, the terms, the seed or the selection shows."""
import copy
from fractions import Fraction

import pytest

from services.audit.domain.sampling.commitment import (
    Commitment,
    CommitmentKind,
    commitment_terms,
    revealed_seed,
    seed_commitment,
)
from services.audit.domain.sampling.document import build_document, verify_document
from services.audit.domain.sampling.errors import DrawError
from services.audit.domain.sampling.frame import FrameItem, frame_digest
from services.audit.domain.sampling.methods import Method, Stratification, draw

SEED = "1415926535897932384626433832795028841971"
DRAND = "a" * 64
FRAME = [FrameItem(f"p-{i:03d}", f"CITY-2026-{i:04d}", f"u-{i % 4}", "IT_MAINTENANCE", (i % 5 + 1) * 10_000_00)
         for i in range(60)]


def commitment(**changes) -> Commitment:
    values = dict(draw_id="d-1", jurisdiction="CITY", year=2026, proportion="0.2", method=Method.PPS,
                  stratify_by=Stratification.UNIT, frame_digest=frame_digest(FRAME), frame_count=len(FRAME),
                  frame_amount=sum(i.amount for i in FRAME), kind=CommitmentKind.SECRET_HASH,
                  seed_sha256=seed_commitment(SEED), randomness_source=None, certainty_threshold=20_000_000_00,
                  committed_at="2026-02-01T00:00:00+00:00")
    values.update(changes)
    return Commitment(**values)


def published(c: Commitment = None, seed: str = SEED, source: str | None = None) -> dict:
    c = c or commitment()
    result = draw(FRAME, proportion=Fraction(c.proportion), method=c.method, stratify_by=c.stratify_by, seed=seed
                  if c.kind is CommitmentKind.SECRET_HASH else seed.lower())
    return build_document(c, FRAME, seed=seed, randomness_source=source, selected_ids=result.selected_ids)


def test_R_AUD_2_the_revealed_secret_must_hash_to_the_commitment():
    assert revealed_seed(commitment(), SEED) == SEED
    for wrong in (SEED + " ", SEED[:-1], "", SEED.upper() + "x"):
        with pytest.raises(DrawError) as refused:
            revealed_seed(commitment(), wrong)
        assert refused.value.field == "seed" and refused.value.rule == "R-AUD-2"


def test_R_AUD_2_a_public_randomness_value_is_entered_for_the_named_source_never_fetched():
    c = commitment(kind=CommitmentKind.PUBLIC_RANDOMNESS, seed_sha256=None,
                   randomness_source="drand quicknet round 12345678")
    assert revealed_seed(c, DRAND.upper(), "drand  quicknet round 12345678") == DRAND
    with pytest.raises(DrawError) as other_round:
        revealed_seed(c, DRAND, "drand quicknet round 12345679")
    assert other_round.value.field == "randomnessSource"
    with pytest.raises(DrawError) as not_a_beacon_value:
        revealed_seed(c, "my favourite number", "drand quicknet round 12345678")
    assert not_a_beacon_value.value.field == "seed"


def test_R_AUD_2_a_commitment_names_exactly_one_seed_source():
    assert commitment_terms(seed_commitment(SEED).upper(), None)[1] == seed_commitment(SEED)
    assert commitment_terms(None, " NIST beacon 2.0  pulse 1 ")[2] == "NIST beacon 2.0 pulse 1"
    for terms in ((None, None), (seed_commitment(SEED), "drand round 1"), ("not-a-digest", None)):
        with pytest.raises(DrawError):
            commitment_terms(*terms)


def test_R_AUD_2_the_commitment_round_trips_through_its_published_json_with_the_same_digest():
    c = commitment()
    assert Commitment.from_json(c.to_json()) == c
    assert commitment(proportion="0.25").digest != c.digest


def test_R_AUD_2_a_published_draw_verifies_from_the_document_alone():
    report = verify_document(published())
    assert report.ok, report.checks
    assert [check.name for check in report.checks] == ["commitment digest", "frame digest", "frame count and amount",
                                                       "seed matches commitment", "published selection",
                                                       "selection digest"]
    assert len(report.result.strata) == 4


def test_R_AUD_2_a_document_published_before_the_reveal_checks_the_commitment_and_frame_only():
    report = verify_document(build_document(commitment(), FRAME))
    assert report.ok and report.result is None and len(report.checks) == 3


@pytest.mark.parametrize("tamper,failing", [
    (lambda d: d["frame"][3].update(amount=d["frame"][3]["amount"] + 1), "frame digest"),
    (lambda d: d["frame"].pop(), "frame digest"),
    (lambda d: d["commitment"].update(proportion="0.3"), "commitment digest"),
    (lambda d: d["reveal"].update(seed=SEED + "0"), "seed matches commitment"),
    (lambda d: d["selection"]["project_ids"].__setitem__(0, "p-059"), "published selection"),
])
def test_R_AUD_2_any_change_to_the_published_inputs_or_result_is_caught(tamper, failing):
    document = copy.deepcopy(published())
    tamper(document)
    report = verify_document(document)
    assert not report.ok
    assert failing in [check.name for check in report.checks if not check.passed]


def test_R_AUD_2_a_draw_on_public_randomness_verifies_too():
    c = commitment(kind=CommitmentKind.PUBLIC_RANDOMNESS, seed_sha256=None, randomness_source="drand round 7")
    assert verify_document(published(c, DRAND, "drand round 7")).ok
    assert not verify_document(published(c, DRAND, "drand round 8")).ok
