"""Money is integer fen (分) everywhere: in the database, in events and in GraphQL. Never a float."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

FEN_PER_YUAN = 100
MAJOR_THRESHOLD_FEN = 20_000_000 * FEN_PER_YUAN  # 2000万元, the one statutory threshold
# The largest amount any input may carry: 10^15 fen, 10 trillion yuan (10万亿元), far above any budget the city
# decides, and far enough below BIGINT's 9.2 x 10^18 that sums of many such amounts still fit in the database.
MAX_FEN = 10**15


class MoneyError(ValueError):
    pass


def parse_fen(value: object) -> int:
    """Accept a whole number of fen from 0 to MAX_FEN: an int (or a whole Decimal, as a database returns it).

    Refused: strings, even of digits ("12345", " 12 ", "١٢٣", "²": an amount is a number, not text), booleans,
    floats, fractions, negatives and anything above MAX_FEN (which would overflow the database's BIGINT)."""
    if isinstance(value, bool):
        raise MoneyError("an amount in fen must be a whole number, not a boolean")
    if isinstance(value, int):
        amount = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        amount = int(value)
    elif isinstance(value, float):
        raise MoneyError("amounts are integer fen (分), never floating point")
    elif isinstance(value, str):
        raise MoneyError("an amount in fen is a number, not a string: write 12345, not \"12345\"")
    else:
        raise MoneyError(f"{value!r} is not an amount in whole fen (分)")
    if amount < 0:
        raise MoneyError("an amount cannot be negative")
    if amount > MAX_FEN:
        raise MoneyError(f"an amount is at most {MAX_FEN} fen ({MAX_FEN // FEN_PER_YUAN} yuan)")
    return amount


def yuan_to_fen(yuan: str | Decimal) -> int:
    try:
        value = Decimal(yuan) * FEN_PER_YUAN
    except InvalidOperation as exc:
        raise MoneyError(f"{yuan!r} is not an amount in yuan") from exc
    if not value.is_finite() or value != value.to_integral_value():
        raise MoneyError(f"{yuan!r} yuan is not a whole number of fen")
    return parse_fen(int(value))


def format_yuan(fen: int) -> str:
    return f"{Decimal(fen) / FEN_PER_YUAN:.2f}"


Fen = Annotated[int, BeforeValidator(parse_fen), PlainSerializer(int)]
