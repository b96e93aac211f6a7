"""Time: stored timestamps are timezone-aware UTC; business dates are Asia/Shanghai."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from .config import BUSINESS_TZ

SHANGHAI = ZoneInfo(BUSINESS_TZ)


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC (what every stored timestamp is)."""
    return dt.datetime.now(dt.timezone.utc)


def business_today() -> dt.date:
    """Today's date in the company's time zone (Asia/Shanghai)."""
    return dt.datetime.now(SHANGHAI).date()


def to_business(ts: dt.datetime | None) -> dt.datetime | None:
    """A stored UTC timestamp shown in Asia/Shanghai."""
    return ts.astimezone(SHANGHAI) if ts else None


class UTCDateTime(TypeDecorator):
    """A timestamp column that accepts only aware datetimes and returns aware UTC.

    PostgreSQL keeps the zone (``timestamptz``); SQLite has no zone type, so the
    value is stored as naive UTC and given back its zone on load.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp column")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)
