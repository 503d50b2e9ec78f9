"""Time: instants are stored in UTC; budget years and dates are Asia/Shanghai's."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def budget_year(instant: datetime) -> int:
    return instant.astimezone(CHINA).year


def china_date(instant: datetime) -> date:
    return instant.astimezone(CHINA).date()


def as_utc(instant: datetime) -> datetime:
    """SQLite hands back naive datetimes; every instant we store is UTC."""
    return instant.replace(tzinfo=timezone.utc) if instant.tzinfo is None else instant.astimezone(timezone.utc)
