"""Entering a year's official schedule (放假安排) by hand, and what it moves.

The State Council publishes next year's holidays each autumn; until a package release
carries them, an administrator enters them here. Each save is a new version (the latest
is in force), audited, and re-computes every date derived from the calendar that is still
in the future — health-certificate pickup dates, holiday greetings and the deadlines of
complaint clocks still running (the desk time they have left, counted anew) — returning, and
keeping with the version, the list of what moved.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..audit.service import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..timeutil import business_today, utcnow
from ..transactions import transactional
from . import overrides
from .days import schedule_for, schedule_known, schedule_source
from .models import HolidaySchedule
from .sources import KNOWN_NAMES

#: a schedule may be entered for years in this range around today
YEARS_BACK, YEARS_AHEAD = 1, 2
#: from this month and day of a year, a missing schedule for the next year is warned about
WARN_FROM = (10, 1)


def _error(field: str, zh: str, en: str) -> Invalid:
    return Invalid(fields={field: [{"zh": zh, "en": en}]})


def _name_key(value: str) -> str | None:
    for key, name in KNOWN_NAMES.items():
        if value.strip() in (key, name.zh):
            return key
    return None


def check(year: int, days_off: list[dict], make_up_days: list[dt.date]) -> tuple[list, list]:
    """Validate a schedule; the stored form of ``days_off`` and ``make_up_days``.

    ``days_off`` items are ``{"date": date, "holiday": name}`` with the holiday's Chinese
    or English name (元旦 / New Year's Day …). Refuses, naming the field: a year outside
    the allowed range, dates outside the year, a date given twice or both off and worked,
    an unknown holiday name, a make-up working day on a weekday, no day off at all.
    """
    this_year = business_today().year
    if not this_year - YEARS_BACK <= year <= this_year + YEARS_AHEAD:
        first, last = this_year - YEARS_BACK, this_year + YEARS_AHEAD
        raise _error("year", f"只能录入 {first}–{last} 年的放假安排。",
                     f"Schedules can be entered for {first}–{last} only.")
    if not days_off:
        raise _error("days_off", "请至少填写一个放假日期。", "Enter at least one day off.")
    stored_off, seen = [], set()
    for i, item in enumerate(days_off):
        day, key = item["date"], _name_key(str(item.get("holiday", "")))
        if day.year != year:
            raise _error(f"days_off.{i}.date", f"{day} 不在 {year} 年内。",
                         f"{day} is not in {year}.")
        if day in seen:
            raise _error(f"days_off.{i}.date", f"{day} 填了两次。", f"{day} is given twice.")
        if key is None:
            raise _error(f"days_off.{i}.holiday", f"不认识的节日名称：{item.get('holiday')}。",
                         f"Unknown holiday name: {item.get('holiday')}.")
        seen.add(day)
        stored_off.append({"date": day.isoformat(), "holiday": key})
    stored_work = []
    for i, day in enumerate(make_up_days):
        if day.year != year:
            raise _error(f"make_up_days.{i}", f"{day} 不在 {year} 年内。",
                         f"{day} is not in {year}.")
        if day in seen:
            raise _error(f"make_up_days.{i}", f"{day} 既是放假日又是调休上班日。",
                         f"{day} is both a day off and a make-up working day.")
        if day.weekday() < 5:
            raise _error(f"make_up_days.{i}", f"{day} 是工作日，调休上班日应是周六或周日。",
                         f"{day} is a weekday; a make-up working day is a Saturday or Sunday.")
        seen.add(day)
        stored_work.append(day.isoformat())
    return sorted(stored_off, key=lambda d: d["date"]), sorted(stored_work)


#: the complaint clocks' names in the list of what moved
CLOCK_LABELS = {"first_contact": "首次联系", "callback": "承诺回电", "solution": "解决"}


@dataclass(frozen=True)
class Moved:
    """A future date that the new schedule moved (or added, or removed: None)."""

    kind: str  # "pickup" | "greeting" | "complaint_clock"
    ref_id: int  # exam batch id / follow-up id / complaint id
    order_id: int | None
    label: str
    before: str | None
    after: str | None

    def as_dict(self) -> dict:
        """The stored/JSON form."""
        return dict(self.__dict__)


def _future_pickups() -> dict[int, dt.date]:
    from ..trainees.models import ExamBatch
    from ..trainees.pickup import pickup_date

    today = business_today()
    batches = db.session.scalars(sa.select(ExamBatch).where(
        ExamBatch.exam_date >= today - dt.timedelta(days=60)))
    out = {}
    for b in batches:
        day = pickup_date(b.exam_date).date
        if day >= today:
            out[b.id] = day
    return out


def _future_greetings() -> dict[int, tuple[int | None, str, str]]:
    from ..followups.models import FollowUp

    rows = db.session.scalars(sa.select(FollowUp).where(
        FollowUp.anchor_key.like("holiday:%"), FollowUp.state == "pending",
        FollowUp.due_at >= utcnow()))
    return {f.id: (f.order_id, f.title_zh, f.due_at.isoformat()) for f in rows}


def _replan_orders_in_service() -> None:
    from ..followups.service import IN_SERVICE_STATES, sync_order
    from ..orders.models import Order

    for order in db.session.scalars(sa.select(Order).where(
            Order.state.in_(IN_SERVICE_STATES)).order_by(Order.id).with_for_update()):
        sync_order(order)


def _moves(pickups_before, pickups_after, greetings_before, greetings_after) -> list[Moved]:
    moved = [Moved("pickup", bid, None, f"体检批次 #{bid} 领证日期",
                   pickups_before.get(bid) and pickups_before[bid].isoformat(),
                   pickups_after.get(bid) and pickups_after[bid].isoformat())
             for bid in sorted(set(pickups_before) | set(pickups_after))
             if pickups_before.get(bid) != pickups_after.get(bid)]
    for fid in sorted(set(greetings_before) | set(greetings_after)):
        before, after = greetings_before.get(fid), greetings_after.get(fid)
        if before is not None and after is not None and before[2] == after[2]:
            continue
        order_id, label, _ = after or before
        moved.append(Moved("greeting", fid, order_id, label, before and before[2],
                           after and after[2]))
    return moved


@transactional
def save(year: int, days_off: list[dict], make_up_days: list[dt.date], note: str,
         actor_id: int | None) -> HolidaySchedule:
    """Save a new version of ``year``'s schedule, re-compute the future dates derived from
    the calendar, audit it, commit (one step). The returned row's ``moved`` lists what moved."""
    from ..complaints import clocks as complaint_clocks

    stored_off, stored_work = check(year, days_off, make_up_days)
    pickups_before, greetings_before = _future_pickups(), _future_greetings()
    now = utcnow()
    clocks_before = complaint_clocks.running_before_calendar_change(now)
    previous = db.session.scalar(sa.select(sa.func.max(HolidaySchedule.version)).where(
        HolidaySchedule.year == year)) or 0
    row = HolidaySchedule(year=year, version=previous + 1, days_off=stored_off,
                          make_up_days=stored_work, note=note.strip()[:255],
                          created_by_id=actor_id, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    overrides.forget()
    _replan_orders_in_service()
    moved = _moves(pickups_before, _future_pickups(), greetings_before, _future_greetings())
    moved += [Moved("complaint_clock", c.id, None,
                    f"投诉 {c.number} {CLOCK_LABELS.get(k.kind, k.kind)}时限 / "
                    f"complaint {c.number} {k.kind} deadline",
                    before.isoformat(), after.isoformat())
              for c, k, before, after in complaint_clocks.recompute_after_calendar_change(
                  clocks_before, now)]
    row.moved = [m.as_dict() for m in moved]
    record("holiday_schedule_saved", "holiday_schedule", row.id,
           f"{year} 放假安排 v{row.version}: {len(stored_off)} 天放假, "
           f"{len(stored_work)} 天调休上班, {len(moved)} 个日期变动",
           changes={"version": [previous or None, row.version]}, actor_id=actor_id)
    return row


def versions(year: int) -> list[HolidaySchedule]:
    """Every version entered for ``year``, newest first."""
    return list(db.session.scalars(sa.select(HolidaySchedule).where(
        HolidaySchedule.year == year).order_by(HolidaySchedule.version.desc())))


def get_version(year: int, version: int) -> HolidaySchedule:
    """One version of a year's schedule (404 if there is none)."""
    row = db.session.scalar(sa.select(HolidaySchedule).where(
        HolidaySchedule.year == year, HolidaySchedule.version == version))
    if row is None:
        raise NotFound()
    return row


def year_overview(year: int) -> dict:
    """The schedule in force for ``year``: source, whether official, days off, make-up days."""
    schedule = schedule_for(year)
    return {
        "year": year, "source": schedule.source, "official": schedule.official,
        "version": schedule.version,
        "days_off": [{"date": d, "holiday_zh": n.zh, "holiday_en": n.en}
                     for d, n in sorted(schedule.days_off.items())],
        "make_up_days": sorted(schedule.make_up_days),
        "versions": versions(year),
    }


def years_shown(today: dt.date | None = None) -> list[int]:
    """The years the admin page lists: last year to two years ahead."""
    year = (today or business_today()).year
    return list(range(year - YEARS_BACK, year + YEARS_AHEAD + 1))


def missing_schedule_warning(today: dt.date | None = None) -> int | None:
    """The year whose official schedule is due but unknown: this year at any time, next
    year from 1 October on; None when nothing is missing."""
    today = today or business_today()
    if not schedule_known(today.year):
        return today.year
    if (today.month, today.day) >= WARN_FROM and not schedule_known(today.year + 1):
        return today.year + 1
    return None


__all__ = ["check", "get_version", "missing_schedule_warning", "save", "schedule_source",
           "versions", "year_overview", "years_shown"]
