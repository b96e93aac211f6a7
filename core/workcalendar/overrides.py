"""The administrator's schedules (放假安排 entered by hand), as the calendar sees them.

Read once per app context (a request, a job) and kept on ``flask.g``, so a request that
counts many working days asks the database once; :func:`forget` drops that copy after a
new version is saved. Outside an app context no year is overridden.
"""
from __future__ import annotations

import datetime as dt

from flask import g, has_app_context

from .sources import KNOWN_NAMES, YearSchedule

_G_KEY = "_workcalendar_admin"


def _load() -> dict[int, YearSchedule]:
    import sqlalchemy as sa

    from ..extensions import db
    from .models import HolidaySchedule

    latest = sa.select(HolidaySchedule.year, sa.func.max(HolidaySchedule.version).label("v")
                       ).group_by(HolidaySchedule.year).subquery()
    rows = db.session.scalars(sa.select(HolidaySchedule).join(
        latest, sa.and_(HolidaySchedule.year == latest.c.year,
                        HolidaySchedule.version == latest.c.v)))
    return {row.year: to_schedule(row) for row in rows}


def to_schedule(row) -> YearSchedule:
    """A stored :class:`~core.workcalendar.models.HolidaySchedule` as a YearSchedule."""
    days_off = {dt.date.fromisoformat(d["date"]): KNOWN_NAMES[d["holiday"]] for d in row.days_off}
    make_up = frozenset(dt.date.fromisoformat(d) for d in row.make_up_days)
    return YearSchedule(row.year, "admin", True, days_off, make_up, row.version)


def _schedules() -> dict[int, YearSchedule]:
    if not has_app_context():
        return {}
    cached = g.get(_G_KEY)
    if cached is None:
        cached = _load()
        setattr(g, _G_KEY, cached)
    return cached


def admin_schedule(year: int) -> YearSchedule | None:
    """The latest schedule an administrator entered for ``year``, or None."""
    return _schedules().get(year)


def admin_years() -> frozenset[int]:
    """The years an administrator entered a schedule for."""
    return frozenset(_schedules())


def forget() -> None:
    """Drop this app context's copy (after a schedule was saved)."""
    if has_app_context():
        g.pop(_G_KEY, None)
