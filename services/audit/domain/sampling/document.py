"""The published draw document, and its verification from the document alone.

    {"format": "yiyang-audit-draw/1",
     "commitment": {...}, "commitment_digest": "<sha256>",      published first
     "frame": [{"project_id", "code", "unit", "kind", "amount"}, ...],
     "reveal": {"seed": "...", "randomness_source": null | "..."},   published with the draw
     "selection": {"project_ids": [...], "digest": "<sha256>"}}
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from services.audit.domain.sampling.commitment import FORMAT, Commitment, revealed_seed
from services.audit.domain.sampling.errors import DrawError
from services.audit.domain.sampling.frame import FrameItem, canonical_frame, frame_digest, item_from_json
from services.audit.domain.sampling.methods import DrawResult, draw, parse_proportion, selection_digest


def build_document(commitment: Commitment, frame: Iterable[FrameItem], *, seed: str | None = None,
                   randomness_source: str | None = None, selected_ids: Iterable[str] | None = None) -> dict:
    document = {"format": FORMAT, "commitment": commitment.to_json(), "commitment_digest": commitment.digest,
                "frame": [item.to_json() for item in canonical_frame(frame)], "reveal": None, "selection": None}
    if seed is not None:
        document["reveal"] = {"seed": seed, "randomness_source": randomness_source}
    if selected_ids is not None:
        ids = sorted(selected_ids)
        document["selection"] = {"project_ids": ids, "digest": selection_digest(ids)}
    return document


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Verification:
    commitment: Commitment
    checks: list[Check] = field(default_factory=list)
    result: DrawResult | None = None

    @property
    def ok(self) -> bool:
        return all(check.passed for check in self.checks)

    def check(self, name: str, passed: bool, detail: str) -> bool:
        self.checks.append(Check(name, passed, detail))
        return passed


def _frame(document: Mapping) -> tuple[FrameItem, ...]:
    items = document.get("frame")
    if not isinstance(items, list):
        raise DrawError("the document has no frame (a list of projects)", "frame")
    return canonical_frame(item_from_json(value, position) for position, value in enumerate(items, 1))


def verify_document(document: Mapping) -> Verification:
    """Recompute everything a reader can from the published inputs alone. A document too malformed to read raises
    DrawError; a document that reads but does not add up comes back with failed checks."""
    if not isinstance(document, Mapping) or "commitment" not in document:
        raise DrawError("not a draw document: it has no commitment", "commitment")
    commitment = Commitment.from_json(document["commitment"])
    report = Verification(commitment)
    published = document.get("commitment_digest")
    report.check("commitment digest", published == commitment.digest,
                 f"recomputed {commitment.digest}" + ("" if published == commitment.digest else
                                                      f", published {published}"))
    frame = _frame(document)
    digest, amount = frame_digest(frame), sum(item.amount for item in frame)
    report.check("frame digest", digest == commitment.frame_digest,
                 f"recomputed {digest}, committed {commitment.frame_digest}")
    report.check("frame count and amount", (len(frame), amount) == (commitment.frame_count,
                                                                    commitment.frame_amount),
                 f"{len(frame)} projects, {amount} fen; committed {commitment.frame_count} projects, "
                 f"{commitment.frame_amount} fen")
    reveal = document.get("reveal")
    if not reveal:
        return report  # published before the draw: nothing more to recompute yet
    try:
        seed = revealed_seed(commitment, reveal.get("seed") or "", reveal.get("randomness_source"))
    except DrawError as refused:
        report.check("seed matches commitment", False, refused.message)
        return report
    report.check("seed matches commitment", True, f"{commitment.kind.value}: "
                 + (commitment.seed_sha256 or f"the value of {commitment.randomness_source}"))
    proportion, _ = parse_proportion(commitment.proportion)
    report.result = draw(frame, proportion=proportion, method=commitment.method,
                         stratify_by=commitment.stratify_by, seed=seed)
    selection = document.get("selection")
    if selection:
        ids = sorted(selection.get("project_ids") or [])
        recomputed = report.result.selected_ids
        missing, extra = sorted(set(recomputed) - set(ids)), sorted(set(ids) - set(recomputed))
        report.check("published selection", ids == recomputed,
                     f"{len(recomputed)} projects recomputed" + ("" if ids == recomputed else
                                                                 f"; missing from the published selection: "
                                                                 f"{missing[:5]}, published but not drawn: "
                                                                 f"{extra[:5]}"))
        report.check("selection digest", selection.get("digest") == report.result.selection_digest,
                     f"recomputed {report.result.selection_digest}")
    return report
