"""Dialect-neutral SQL pieces the KPI queries need (SQLite and PostgreSQL).

Business dates are Asia/Shanghai, which has kept UTC+8 without daylight saving since
1991, so a stored UTC timestamp's business date is the date of ``ts + 8 hours``.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

#: the business time zone's offset from UTC, in hours (Asia/Shanghai, no DST)
BUSINESS_OFFSET_HOURS = 8


class local_date(FunctionElement):  # noqa: N801 - reads like an SQL function
    """The business date (Asia/Shanghai) of a UTC timestamp column."""

    type = sa.Date()
    inherit_cache = True


@compiles(local_date)
def _local_date_default(element, compiler, **kw):
    (arg,) = list(element.clauses)
    return (f"CAST(({compiler.process(arg, **kw)} AT TIME ZONE 'UTC' + INTERVAL "
            f"'{BUSINESS_OFFSET_HOURS} hours') AS DATE)")


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    (arg,) = list(element.clauses)
    return f"date({compiler.process(arg, **kw)}, '+{BUSINESS_OFFSET_HOURS} hours')"


class hours_between(FunctionElement):  # noqa: N801
    """Hours from the first timestamp to the second (fractional)."""

    type = sa.Float()
    inherit_cache = True


@compiles(hours_between)
def _hours_default(element, compiler, **kw):
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({b} - {a})) / 3600.0)"


@compiles(hours_between, "sqlite")
def _hours_sqlite(element, compiler, **kw):
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({b}) - julianday({a})) * 24.0)"


def ratio(numerator: int | None, denominator: int | None) -> float | None:
    """``numerator / denominator`` as a percentage rounded to 0.1, None without data."""
    if not denominator:
        return None
    return round(100.0 * (numerator or 0) / denominator, 1)


def median_by(key: ColumnElement, value: ColumnElement, *where, froms=None) -> sa.Select:
    """``SELECT key, median(value), count`` grouped by ``key`` — computed in the database
    with window functions (both dialects), so the rows never reach Python."""
    inner = sa.select(key.label("k"), value.label("v"),
                      sa.func.row_number().over(partition_by=key, order_by=value).label("rn"),
                      sa.func.count().over(partition_by=key).label("n"))
    if froms is not None:
        inner = inner.select_from(froms)
    inner = inner.where(value.is_not(None), *where).subquery()
    return (sa.select(inner.c.k, sa.func.avg(inner.c.v), sa.func.max(inner.c.n))
            .where(inner.c.rn >= inner.c.n / 2.0, inner.c.rn <= inner.c.n / 2.0 + 1)
            .group_by(inner.c.k))
