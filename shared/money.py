"""Money is integer fen (分) everywhere: in the database, in events and in GraphQL. Never a float."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

FEN_PER_YUAN = 100
MAJOR_THRESHOLD_FEN = 20_000_000 * FEN_PER_YUAN  # 2000万元, the one statutory threshold


class MoneyError(ValueError):
    pass


def parse_fen(value: object) -> int:
    """Accept an int or a string of digits; refuse floats, fractions, negatives and booleans."""
    if isinstance(value, bool):
        raise MoneyError("an amount in fen must be a whole number, not a boolean")
    if isinstance(value, int):
        amount = value
    elif isinstance(value, str) and value.strip().isdigit():
        amount = int(value.strip())
    elif isinstance(value, Decimal) and value == value.to_integral_value():
        amount = int(value)
    elif isinstance(value, float):
        raise MoneyError("amounts are integer fen (分), never floating point")
    else:
        raise MoneyError(f"{value!r} is not an amount in whole fen (分)")
    if amount < 0:
        raise MoneyError("an amount cannot be negative")
    return amount


def yuan_to_fen(yuan: str | Decimal) -> int:
    try:
        value = Decimal(yuan) * FEN_PER_YUAN
    except InvalidOperation as exc:
        raise MoneyError(f"{yuan!r} is not an amount in yuan") from exc
    if value != value.to_integral_value():
        raise MoneyError(f"{yuan!r} yuan is not a whole number of fen")
    return parse_fen(int(value))


def format_yuan(fen: int) -> str:
    return f"{Decimal(fen) / FEN_PER_YUAN:.2f}"


Fen = Annotated[int, BeforeValidator(parse_fen), PlainSerializer(int)]
