"""The planner: rules + anchors + outcomes so far → the follow-ups (回访) an order should have.

Pure: no clock, no database. The service gathers the anchors of an order (上户 / 下户
dates, the baby's birth, each visit or session, each mediation case) and the final
outcomes recorded so far, asks :func:`plan` what should exist, and reconciles the
follow-ups it stores with the answer (:mod:`core.followups.service`). Planning the
same inputs twice gives the same answer, which is what makes re-planning safe.

"Day N" is N days after the anchor's date (上户 on the 2nd → day 3 is the 5th), at the
rule's time of day in Asia/Shanghai; hour offsets count from the anchor's exact time.
A rule counted ``after`` an earlier rule counts from that rule's planned due time instead
(day 3, then 5 days after it → day 8), whenever that call was actually made.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..timeutil import SHANGHAI
from ..workcalendar import HolidayScan, holidays_in
from .rules import INSTANCE_ANCHORS, FollowupRule, FollowupRules

#: an open-ended service (no 下户 date, no planned term) gets greetings this far ahead
HOLIDAY_HORIZON_DAYS = 366
#: the anchor key of the planned end of service (bounds the greetings; not a rule anchor)
PLANNED_END = "service_end_planned"


@dataclass(frozen=True)
class Anchor:
    """When an anchor happened (or is planned): ``at`` aware; ``until`` the planned end
    of a visit, for rules that apply only to long visits."""

    at: dt.datetime
    until: dt.datetime | None = None

    @property
    def business_date(self) -> dt.date:
        """The anchor's date in Asia/Shanghai."""
        return self.at.astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Planned:
    """A follow-up that should exist: which rule, for which anchor instance, when due."""

    rule_code: str
    anchor_key: str
    due_at: dt.datetime
    kind: str
    title_zh: str
    title_en: str
    script_zh: str
    script_en: str

    @property
    def key(self) -> tuple[str, str]:
        """(rule code, anchor key): the identity of a follow-up within its order."""
        return self.rule_code, self.anchor_key


@dataclass(frozen=True)
class Plan:
    """The planned follow-ups, and the calendar years whose official holiday schedule is not
    known yet (their greetings are planned from an estimate and say so)."""

    followups: tuple[Planned, ...]
    uncovered_years: tuple[int, ...] = ()


def business_datetime(day: dt.date, at: dt.time) -> dt.datetime:
    """``day`` at ``at`` o'clock in Asia/Shanghai, as aware UTC."""
    return dt.datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight starting ``day`` in Asia/Shanghai, as aware UTC (for date anchors)."""
    return business_datetime(day, dt.time(0, 0))


def due_at(rule: FollowupRule, anchor: Anchor, rules: FollowupRules | None = None,
           depth: int = 0) -> dt.datetime:
    """When a rule's follow-up is due for this anchor. A rule counted ``after`` an
    earlier one counts from that one's due time (its day, for a ``days`` offset)."""
    if rule.after is not None and rules is not None and depth <= len(rules.rules):
        earlier = rules.rule(rule.after)
        if earlier is not None:
            anchor = Anchor(due_at(earlier, anchor, rules, depth + 1))
    if rule.days is not None:
        return business_datetime(anchor.business_date + dt.timedelta(days=rule.days),
                                 rule.at_time)
    return (anchor.at + dt.timedelta(hours=rule.hours)).astimezone(dt.timezone.utc)


def _instances(anchor: str, anchors: dict[str, Anchor]) -> list[str]:
    if anchor in INSTANCE_ANCHORS:
        return sorted((k for k in anchors if k.startswith(anchor + ":")),
                      key=lambda k: (len(k), k))
    return [anchor] if anchor in anchors else []


def _instance_id(anchor_key: str) -> str | None:
    return anchor_key.split(":", 1)[1] if ":" in anchor_key else None


def _condition_holds(rule: FollowupRule, anchor_key: str, rules: FollowupRules,
                     outcomes: dict[tuple[str, str], str]) -> bool:
    if rule.when is None:
        return True
    earlier = rules.rule(rule.when.rule)
    if earlier is None:
        return False
    if earlier.anchor in INSTANCE_ANCHORS:
        key = f"{earlier.anchor}:{_instance_id(anchor_key)}"
    else:
        key = earlier.anchor
    return outcomes.get((earlier.code, key)) == rule.when.outcome


def _service_period(anchors: dict[str, Anchor]) -> tuple[dt.date, dt.date] | None:
    start = anchors.get("service_start")
    if start is None:
        return None
    end = anchors.get("service_end") or anchors.get(PLANNED_END)
    last = end.business_date if end else start.business_date + dt.timedelta(
        days=HOLIDAY_HORIZON_DAYS)
    return start.business_date, max(last, start.business_date)


def _planned(rule: FollowupRule, anchor_key: str, due: dt.datetime, suffix_zh: str = "",
             suffix_en: str = "") -> Planned:
    return Planned(rule.code, anchor_key, due, rule.kind, rule.title_zh + suffix_zh,
                   rule.title_en + suffix_en, rule.script_zh, rule.script_en)


def plan(rules: FollowupRules, anchors: dict[str, Anchor],
         outcomes: dict[tuple[str, str], str] | None = None,
         holidays: Callable[[dt.date, dt.date], HolidayScan] = holidays_in) -> Plan:
    """The follow-ups that should exist for an order, given its anchors and the final
    outcomes so far (``{(rule code, anchor key): outcome}``), sorted by due time."""
    outcomes = outcomes or {}
    out: list[Planned] = []
    uncovered: tuple[int, ...] = ()
    for rule in rules.rules:
        if rule.anchor == "holiday_in_service":
            period = _service_period(anchors)
            if period is None:
                continue
            scan = holidays(*period)
            uncovered = tuple(sorted(set(uncovered) | set(scan.uncovered_years)))
            for holiday in scan.holidays:
                key = f"holiday:{holiday.date.isoformat()}"
                if not _condition_holds(rule, key, rules, outcomes):
                    continue
                due = business_datetime(holiday.date + dt.timedelta(days=rule.days or 0),
                                        rule.at_time)
                estimated_zh, estimated_en = ("", "") if holiday.official else (
                    "，日期为估算", ", date estimated")
                out.append(_planned(rule, key, due, f"（{holiday.name_zh}{estimated_zh}）",
                                    f" ({holiday.name_en}{estimated_en})"))
            continue
        for key in _instances(rule.anchor, anchors):
            anchor = anchors[key]
            if rule.min_span_hours is not None:
                if anchor.until is None or (anchor.until - anchor.at) < dt.timedelta(
                        hours=rule.min_span_hours):
                    continue
            if not _condition_holds(rule, key, rules, outcomes):
                continue
            out.append(_planned(rule, key, due_at(rule, anchor, rules)))
    out.sort(key=lambda p: (p.due_at, p.rule_code, p.anchor_key))
    return Plan(tuple(out), uncovered)
