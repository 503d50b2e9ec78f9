"""The Audit Bureau's project register, fed by events, from which the annual audit plan is drawn."""
from __future__ import annotations

from shared.money import MAJOR_THRESHOLD_FEN


def in_certainty_scope(investment_fen: int) -> bool:
    """R-AUD-1: every project of 20M yuan or more (2000万元以上, 20M included) enters the annual audit plan."""
    return investment_fen >= MAJOR_THRESHOLD_FEN
