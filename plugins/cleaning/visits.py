"""The visits (上门) of a cleaning order: pure planning from a loaded intake.

Each visit starts on its date (see :func:`pricing.visit_dates`) at the preferred time
(09:00 when none is given) and lasts long enough for the area and kind of cleaning,
at least two hours, rounded up to the half hour, at most a working day. Its tasks —
printed on the service sheet (上户表) — say what to clean and how dirty it is.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from core import Msg, VisitSlot

from .pricing import visit_dates
from .schemas import DIRT_LEVELS, KINDS

DEFAULT_START = dt.time(9, 0)
#: m² one worker cleans in an hour, by kind of cleaning
M2_PER_HOUR = {"routine": Decimal(30), "deep": Decimal(15), "post_renovation": Decimal(12)}
MIN_HOURS, MAX_HOURS = Decimal(2), Decimal(10)


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def duration(intake: dict) -> dt.timedelta:
    """How long one visit takes: area ÷ m² an hour for the kind, rounded up to the half
    hour, between 2 and 10 hours."""
    hours = intake["floor_area"] / M2_PER_HOUR[intake["kind"]]
    hours = Decimal(math.ceil(hours * 2)) / 2
    return dt.timedelta(hours=float(min(MAX_HOURS, max(MIN_HOURS, hours))))


def tasks(intake: dict) -> tuple[str, ...]:
    """What to do on each visit (上户表 tasks), bilingual except the customer's own notes."""
    kind_zh, kind_en = next((zh, en) for v, zh, en in KINDS if v == intake["kind"])
    dirt_zh, dirt_en = next((zh, en) for v, zh, en in DIRT_LEVELS
                            if v == intake.get("dirt_level", "normal"))
    area = _plain(intake["floor_area"])
    out = [Msg(f"{kind_en}, {area} m²", f"{kind_zh} {area}㎡"),
           Msg(f"How dirty: {dirt_en}", f"脏乱程度：{dirt_zh}")]
    if (intake.get("notes") or "").strip():
        out.append(intake["notes"].strip())
    return tuple(out)


def plan(intake: dict) -> list[VisitSlot]:
    """The visits a loaded cleaning intake asks for: one for a one-off, else every week,
    two weeks or month from the preferred date (``visits`` of them or up to the last
    date), each at the preferred time (business time)."""
    start = intake.get("preferred_time") or DEFAULT_START
    length, todo = duration(intake), tasks(intake)
    slots = []
    for day in visit_dates(intake):
        begins = dt.datetime.combine(day, start)
        slots.append(VisitSlot(starts_at=begins, ends_at=begins + length, tasks=todo))
    return slots
