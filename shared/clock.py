"""Time: instants are stored in UTC; budget years and dates are Asia/Shanghai's."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

# Set only by `clock_at` (tests): rules that count time (a grace period, a deadline) are tested at "now" = any instant.
_fixed_now: ContextVar[datetime | None] = ContextVar("egov_fixed_now", default=None)


def utc_now() -> datetime:
    fixed = _fixed_now.get()
    return fixed if fixed is not None else datetime.now(timezone.utc)


@contextmanager
def clock_at(instant: datetime) -> Iterator[None]:
    """Within this block (and the tasks it starts), `utc_now()` is `instant`."""
    token = _fixed_now.set(as_utc(instant))
    try:
        yield
    finally:
        _fixed_now.reset(token)


def budget_year(instant: datetime) -> int:
    return instant.astimezone(CHINA).year


def china_date(instant: datetime) -> date:
    return instant.astimezone(CHINA).date()


def as_utc(instant: datetime) -> datetime:
    """SQLite hands back naive datetimes; every instant we store is UTC."""
    return instant.replace(tzinfo=timezone.utc) if instant.tzinfo is None else instant.astimezone(timezone.utc)
