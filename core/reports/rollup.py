"""The monthly KPI roll-up (月度指标汇总): every KPI of a month per desk, dispatcher, line
and (dispatcher, line), stored in ``kpi_rollups`` so the dashboard reads a few dozen
rows instead of aggregating a month of orders and follow-ups.

- **Built** from the same SQL aggregates as the live figures (:mod:`core.reports.compute`):
  the additive KPIs (rates' numerators and denominators, counts) once per (dispatcher,
  line) and summed for the other groupings; medians and means per grouping. So a stored
  figure equals the live one (``tests/reports/test_rollup.py`` checks every grouping).
- **When**: the hourly job (:mod:`core.reports.jobs`) rebuilds the current month and any
  ended month not yet final, and builds missing ended months (a few per run); generating
  the monthly report rebuilds its month first and makes it final, so the report and the
  API give the same figures. A change to a month's quality checks drops the month's
  roll-up (:func:`invalidate`); the next hourly run builds it again.
- **Read** (:func:`read`) when the month is final, or was computed within
  ``REPORTS_ROLLUP_MAX_AGE`` seconds (default 2 hours); otherwise the figures are computed
  live. Callers commit.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..orders.models import Order
from ..timeutil import SHANGHAI, business_today, utcnow
from . import compute
from .compute import DESK, PAIR, Figure, Scope, split_pair
from .models import KpiRollup, KpiRollupMonth, MonthlyReport
from .periods import Period, month_of, shift_month
from .sqlfuncs import ratio

log = logging.getLogger(__name__)

GROUPINGS = ("desk", "dispatcher", "line", PAIR)
#: at most this many missing ended months are built per hourly run (bounds its time)
BACKFILL_PER_RUN = 3
#: how far back the hourly run looks for ended months without a roll-up
BACKFILL_MONTHS = 24


def _max_age() -> float:
    return float(current_app.config.get("REPORTS_ROLLUP_MAX_AGE", 7200))


def is_month(period: Period) -> bool:
    """Whether the period is one whole calendar month (what the roll-up stores)."""
    return period.first.day == 1 and period.last == month_of(period.first).last


def final_due(period: Period, today: dt.date | None = None) -> bool:
    """Whether the month is closed for the roll-up: ended, and its report stored or its
    deadline past."""
    from .calendar import report_deadline

    today = today or business_today()
    if not period.ended(today):
        return False
    if report_deadline(period) < today:
        return True
    return db.session.scalar(sa.select(sa.func.count()).select_from(MonthlyReport)
                             .where(MonthlyReport.month == period.first)) > 0


# --------------------------------------------------------------------------- building


def _available_codes() -> list[str]:
    return [code for code in compute.COMPUTERS if compute.available(code)]


def _sum(figures: list[Figure]) -> Figure:
    """Figures of an additive KPI added up: a rate from its summed numerator and
    denominator, a count from its summed count."""
    den = sum(f.denominator or 0 for f in figures)
    if figures and figures[0].numerator is not None:
        num = sum(f.numerator or 0 for f in figures)
        return Figure(ratio(num, den), num, den)
    return Figure(float(den), None, den)


def compute_month(period: Period) -> list[tuple[str, int | None, str | None, str, Figure]]:
    """Every figure of the month: ``(grouping, dispatcher_id, service_line, code, figure)``."""
    out = []
    for code in _available_codes():
        run = compute.COMPUTERS[code]
        if code in compute.ADDITIVE:
            pairs = {split_pair(k): f for k, f in run(Scope(period, PAIR)).items()}
            by_d, by_l = defaultdict(list), defaultdict(list)
            for (d, line), fig in pairs.items():
                out.append((PAIR, d, line, code, fig))
                by_d[d].append(fig)
                by_l[line].append(fig)
            out += [("dispatcher", d, None, code, _sum(f)) for d, f in by_d.items()]
            out += [("line", None, line, code, _sum(f)) for line, f in by_l.items()]
            if pairs:
                out.append(("desk", None, None, code, _sum(list(pairs.values()))))
            continue
        for grouping in GROUPINGS:
            for key, fig in run(Scope(period, grouping)).items():
                if grouping == PAIR:
                    d, line = split_pair(key)
                elif grouping == "dispatcher":
                    d, line = key, None
                elif grouping == "line":
                    d, line = None, key
                else:
                    d, line = None, None
                out.append((grouping, d, line, code, fig))
    return out


def build(period: Period, *, final: bool | None = None) -> KpiRollupMonth:
    """(Re)compute and store the month's roll-up; ``final`` defaults to
    :func:`final_due`."""
    started = time.perf_counter()
    rows = compute_month(period)
    db.session.execute(sa.delete(KpiRollup).where(KpiRollup.month == period.first))
    db.session.execute(sa.delete(KpiRollupMonth).where(KpiRollupMonth.month == period.first))
    head = KpiRollupMonth(month=period.first, computed_at=utcnow(),
                          final=final_due(period) if final is None else final,
                          seconds=round(time.perf_counter() - started, 3))
    db.session.add(head)
    db.session.flush()
    if rows:
        db.session.execute(sa.insert(KpiRollup), [
            {"month": period.first, "grouping": g, "dispatcher_id": d, "service_line": line,
             "code": code, "value": f.value, "numerator": f.numerator,
             "denominator": f.denominator} for g, d, line, code, f in rows])
    log.info("kpi roll-up %s: %d figures in %.1f s", period.key, len(rows), head.seconds)
    return head


def invalidate(month: dt.date) -> None:
    """Drop a month's roll-up (its figures are computed live until the next build)."""
    db.session.execute(sa.delete(KpiRollup).where(KpiRollup.month == month))
    db.session.execute(sa.delete(KpiRollupMonth).where(KpiRollupMonth.month == month))


def refresh(today: dt.date | None = None, *, backfill: int = BACKFILL_PER_RUN) -> list[str]:
    """What the hourly job does: rebuild the current month and the ended months not yet
    final (last month until its report), then build up to ``backfill`` ended months
    that have none, newest first. Commits after each month; returns the months built."""
    today = today or business_today()
    this = month_of(today)
    heads = {h.month: h for h in db.session.scalars(sa.select(KpiRollupMonth))}
    built = []
    for period in (shift_month(this, -1), this):
        head = heads.get(period.first)
        if head is None or not head.final:
            build(period)
            db.session.commit()
            built.append(period.key)
    first_order = db.session.scalar(sa.select(sa.func.min(Order.created_at)))
    if first_order is None:
        return built
    if first_order.tzinfo is None:
        first_order = first_order.replace(tzinfo=dt.timezone.utc)
    oldest = month_of(first_order.astimezone(SHANGHAI).date())
    for back in range(2, BACKFILL_MONTHS + 1):
        if backfill <= 0:
            break
        period = shift_month(this, -back)
        if period.first < oldest.first:
            break
        if period.first not in heads:
            build(period)
            db.session.commit()
            built.append(period.key)
            backfill -= 1
    return built


# ---------------------------------------------------------------------------- reading


def _grouping(scope: Scope) -> str:
    has_d, has_l = scope.dispatcher_id is not None, bool(scope.service_line)
    if scope.by == "desk":
        return PAIR if has_d and has_l else "dispatcher" if has_d else \
            "line" if has_l else "desk"
    if scope.by == "dispatcher":
        return PAIR if has_l else "dispatcher"
    return PAIR if has_d else "line"


def usable(period: Period) -> KpiRollupMonth | None:
    """The month's roll-up head when its figures may be served: final, or fresh."""
    if not is_month(period):
        return None
    head = db.session.get(KpiRollupMonth, period.first)
    if head is None:
        return None
    if head.final or (utcnow() - head.computed_at).total_seconds() <= _max_age():
        return head
    return None


def read(scope: Scope, codes: tuple[str, ...] | None = None) -> dict[object, dict] | None:
    """``{group key: {code: Figure}}`` from the stored roll-up, as
    :func:`core.reports.service.figures` would compute it live; None when the month has
    no usable roll-up."""
    if usable(scope.period) is None:
        return None
    stmt = sa.select(KpiRollup.dispatcher_id, KpiRollup.service_line, KpiRollup.code,
                     KpiRollup.value, KpiRollup.numerator, KpiRollup.denominator).where(
        KpiRollup.month == scope.period.first, KpiRollup.grouping == _grouping(scope))
    if scope.dispatcher_id is not None:
        stmt = stmt.where(KpiRollup.dispatcher_id == scope.dispatcher_id)
    if scope.service_line:
        stmt = stmt.where(KpiRollup.service_line == scope.service_line)
    if codes is not None:
        stmt = stmt.where(KpiRollup.code.in_(codes))
    out: dict[object, dict] = {}
    for d, line, code, value, num, den in db.session.execute(stmt.order_by(KpiRollup.id)):
        key = DESK if scope.by == "desk" else d if scope.by == "dispatcher" else line
        out.setdefault(key, {})[code] = Figure(value, num, den)
    return out
