"""Small helpers the money decisions share: amounts as a clerk reads them, and free-text checks."""
from __future__ import annotations

from shared.errors import Violation
from shared.money import format_yuan
from shared.text import text_violations


def yuan(fen: int) -> str:
    return f"{format_yuan(fen)} yuan ({fen} fen)"


def text_problems(value: str | None, field: tuple[str, ...], *, rule: str, what: str, limit: int,
                  required: bool = True) -> list[Violation]:
    """A required text must be non-blank; every text stays within `limit` characters and holds no control
    character (shared/text.py, the rule of every service's free text)."""
    return text_violations(value, field, rule=rule, what=what, limit=limit, required=required)


def amount_problems(amount: int, field: tuple[str, ...], *, positive: bool = True) -> list[Violation]:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        return [Violation("INVALID", field, "amounts are non-negative integer fen (分)")]
    if positive and amount == 0:
        return [Violation("INVALID", field, "the amount must be more than 0 fen")]
    return []


def clean(value: str | None) -> str | None:
    return (value or "").strip() or None
