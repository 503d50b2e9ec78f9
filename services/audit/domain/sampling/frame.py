"""The sampling frame (抽样框): the projects below the certainty threshold eligible for the year's draw, frozen at
commitment. Its digest is SHA-256 over one line per project, in project-id order:

    <project id> TAB <project code> TAB <unit> TAB <kind> TAB <amount in fen> LF

so that `sha256sum` over the frame written as such a file gives the same digest.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter, lt

from services.audit.domain.sampling.errors import DrawError

FIELDS = ("project_id", "code", "unit", "kind", "amount")
PROJECT_ID, AMOUNT = attrgetter("project_id"), attrgetter("amount")


@dataclass(frozen=True, slots=True)
class FrameItem:
    project_id: str
    code: str
    unit: str
    kind: str
    amount: int  # the project's investment in fen: the size measure of monetary-unit sampling

    def line(self) -> str:
        return f"{self.project_id}\t{self.code}\t{self.unit}\t{self.kind}\t{self.amount}\n"

    def to_json(self) -> dict:
        return {"project_id": self.project_id, "code": self.code, "unit": self.unit, "kind": self.kind,
                "amount": self.amount}


def item_from_json(value: Mapping, position: int) -> FrameItem:
    if not isinstance(value, Mapping) or set(value) != set(FIELDS):
        raise DrawError(f"frame item {position} must have exactly the fields {', '.join(FIELDS)}", "frame")
    amount = value["amount"]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise DrawError(f"frame item {position}: the amount is a whole, non-negative number of fen", "frame")
    texts = [value[name] for name in FIELDS[:4]]
    if not all(isinstance(text, str) for text in texts):
        raise DrawError(f"frame item {position}: id, code, unit and kind are text", "frame")
    return FrameItem(*texts, amount)


def canonical_frame(items: Iterable[FrameItem]) -> tuple[FrameItem, ...]:
    """The frame in its one canonical order: by project id, in code-point order; every id present and unique."""
    ordered = tuple(items)
    ids = list(map(PROJECT_ID, ordered))
    if not all(map(lt, ids, islice(ids, 1, None))):  # not strictly ascending already: sort, then look again
        ordered = tuple(sorted(ordered, key=PROJECT_ID))
        ids = list(map(PROJECT_ID, ordered))
        if not all(map(lt, ids, islice(ids, 1, None))):
            twice = next(a for a, b in zip(ids, ids[1:]) if a == b)
            raise DrawError(f"project {twice} appears twice in the frame", "frame")
    if ordered and not ids[0]:
        raise DrawError("a frame item has no project id", "frame")
    return ordered


def frame_text(frame: Iterable[FrameItem]) -> str:
    """The canonical frame as the text its digest is taken of; refused if a field would break its lines."""
    ordered = canonical_frame(frame)
    columns = (map(attrgetter(name), ordered) for name in FIELDS)
    text = "".join(map("{}\t{}\t{}\t{}\t{}\n".format, *columns))  # FrameItem.line(), at C speed
    if text.count("\t") != 4 * len(ordered) or text.count("\n") != len(ordered) or "\r" in text:
        raise DrawError("frame fields may not hold tabs or line breaks", "frame")
    return text


def frame_digest(frame: Iterable[FrameItem]) -> str:
    """SHA-256 (hex) of the canonical frame's lines."""
    return hashlib.sha256(frame_text(frame).encode("utf-8")).hexdigest()


def frame_amount(frame: Iterable[FrameItem]) -> int:
    return sum(map(AMOUNT, frame))
