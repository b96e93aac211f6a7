"""Follow-up rules (回访规则): the value types a service-line plugin returns, and their check.

A plugin answers ``get_followup_rules(service_line)`` with one :class:`FollowupRules`: a
tuple of :class:`FollowupRule` (what to do, when, relative to which anchor, under which
condition) plus where core finds line-specific anchors in the order's intake (e.g. the
baby's birth date 出生日期 of a 月嫂 order). Pure data: no clock, no database. Core's
planner (:mod:`core.followups.planner`) turns rules into dated follow-ups.

See ``docs/followups.md`` for the format with an example.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

#: What a rule's time is counted from: code → (zh, en, per_instance).
#: Per-instance anchors happen many times on one order (each visit, each session, each
#: mediation case); their follow-ups are planned once per instance.
ANCHOR_LABELS = {
    "service_start": ("上户", "Service start", False),
    "service_end": ("下户", "Service end", False),
    "baby_birth": ("宝宝出生", "Baby's birth", False),
    "holiday_in_service": ("服务期内法定节假日", "Public holiday in service", False),
    "visit_start": ("上门开始", "Visit start", True),
    "visit_end": ("上门结束", "Visit end", True),
    "session_end": ("推拿结束", "Session end", True),
    "interview_end": ("面试结束", "Interview held", True),
    "mediation_opened": ("调解立案", "Mediation opened", True),
    "mediation_resolved": ("调解结案", "Mediation resolved", True),
}
ANCHORS = tuple(ANCHOR_LABELS)
INSTANCE_ANCHORS = tuple(a for a, (_, _, per) in ANCHOR_LABELS.items() if per)

#: How the follow-up is made: code → (zh, en).
KIND_LABELS = {
    "phone": ("电话回访", "Phone call"),
    "wechat": ("微信回访", "WeChat"),
    "home_visit": ("上门回访", "Home visit"),
    "partner_booking": ("预约合作方", "Partner booking"),
    "greeting": ("节日问候", "Greeting"),
    "survey": ("满意度调查", "Satisfaction survey"),
}
KINDS = tuple(KIND_LABELS)
#: a ``survey`` follow-up sends the customer the line's questionnaire after one of these
SURVEY_ANCHORS = ("service_end", "visit_end", "session_end", "mediation_resolved")

#: What came of a follow-up: code → (zh, en). ``satisfied``/``not_satisfied``/``done``
#: close it; ``unreachable`` retries the next day; ``rescheduled`` moves it.
OUTCOME_LABELS = {
    "satisfied": ("满意", "Satisfied"),
    "not_satisfied": ("不满意", "Not satisfied"),
    "unreachable": ("未接通", "Unreachable"),
    "rescheduled": ("改期", "Rescheduled"),
    "done": ("已完成", "Done"),
}
OUTCOMES = tuple(OUTCOME_LABELS)
#: outcomes that close a follow-up
FINAL_OUTCOMES = ("satisfied", "not_satisfied", "done")

#: What a not-satisfied outcome may open.
ON_NOT_SATISFIED = ("mediation",)

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Condition:
    """Plan a rule only when an earlier rule ended with ``outcome`` (e.g. day 5 only if
    the customer was satisfied at day 3: ``Condition("day3", "satisfied")``)."""

    rule: str
    outcome: str


@dataclass(frozen=True)
class FollowupRule:
    """One follow-up (回访) a service line wants made.

    ``code``: unique within the line (``day3``). ``anchor``: one of :data:`ANCHORS`.
    Offset: ``days`` (a date offset: day N = N days after the anchor's date, at the time
    of day ``at`` in Asia/Shanghai) or ``hours`` (after the anchor's exact time); one of
    them, either may be 0 or negative. ``kind``: one of :data:`KINDS`. ``when``: plan only
    after an earlier rule's outcome. ``on_not_satisfied="mediation"`` opens a mediation
    case (调解) on a not-satisfied outcome. ``evaluation``: the verdict (with 1–5 scores)
    becomes an evaluation of the worker. ``books_next``: the call also books the next
    session. ``min_span_hours``: only for visits planned to last at least this long
    (``visit_start`` rules). ``after``: count the offset from an earlier rule's follow-up
    on the same anchor (its planned day) instead of from the anchor itself — 004's
    "如客户满意，五天后再次回访" read as five days after the day-3 call is
    ``days=5, after="day3"`` (day 8); None (the default) counts from the anchor.
    ``title_*``/``script_*``: what the dispatcher sees and asks, in both languages.
    """

    code: str
    anchor: str
    kind: str
    title_zh: str
    title_en: str
    script_zh: str
    script_en: str
    days: int | None = None
    hours: int | None = None
    at: str = "10:00"
    when: Condition | None = None
    on_not_satisfied: str | None = None
    evaluation: bool = False
    books_next: bool = False
    min_span_hours: int | None = None
    after: str | None = None

    @property
    def at_time(self) -> dt.time:
        """``at`` as a time of day."""
        hour, minute = self.at.split(":")
        return dt.time(int(hour), int(minute))


@dataclass(frozen=True)
class FollowupRules:
    """All follow-up rules of one service line.

    ``intake_anchors``: anchor → intake date fields, the first one filled wins
    (``{"baby_birth": ("actual_birth_date", "expected_delivery_date")}``).
    ``term_days_field``: the intake field with the planned length of service in days,
    which bounds the holiday greetings until the actual 下户 date is known.
    """

    rules: tuple[FollowupRule, ...] = ()
    intake_anchors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    term_days_field: str | None = None

    def rule(self, code: str) -> FollowupRule | None:
        """The rule with this code, or None."""
        return next((r for r in self.rules if r.code == code), None)


class RuleError(ValueError):
    """Rules that cannot be planned; the message lists every problem found."""


def problems(rule_set: FollowupRules) -> list[str]:
    """Every problem of a rule set, in words (empty when the rules are valid)."""
    if not isinstance(rule_set, FollowupRules):
        return [f"expected core.FollowupRules, got {type(rule_set).__name__}"]
    out: list[str] = []
    seen: dict[str, FollowupRule] = {}
    for i, rule in enumerate(rule_set.rules):
        if not isinstance(rule, FollowupRule):
            out.append(f"rules[{i}] is {type(rule).__name__}, not a FollowupRule")
            continue
        out.extend(f"rule {rule.code!r}: {p}" for p in _rule_problems(rule))
        if rule.code in seen:
            out.append(f"rule {rule.code!r}: the code is used twice")
        seen[rule.code] = rule
    for rule in rule_set.rules:
        if not isinstance(rule, FollowupRule) or rule.when is None:
            continue
        earlier = seen.get(rule.when.rule)
        if earlier is None:
            out.append(f"rule {rule.code!r}: its condition names unknown rule "
                       f"{rule.when.rule!r}")
        elif rule.when.rule == rule.code:
            out.append(f"rule {rule.code!r}: its condition names itself")
        elif earlier.anchor in INSTANCE_ANCHORS and earlier.anchor != rule.anchor:
            out.append(f"rule {rule.code!r}: its condition names {earlier.code!r}, "
                       "anchored on another per-instance anchor")
        elif earlier.anchor == "holiday_in_service":
            out.append(f"rule {rule.code!r}: a condition cannot name a holiday greeting")
        if rule.when.outcome not in FINAL_OUTCOMES:
            out.append(f"rule {rule.code!r}: a condition can only name a final outcome "
                       f"({', '.join(FINAL_OUTCOMES)}), not {rule.when.outcome!r}")
    out.extend(_after_problems(rule_set, seen))
    for code, earlier in out_of_order(rule_set):
        out.append(f"rule {code!r}: it waits for {earlier!r} but is due no later than it")
    for anchor, fields_ in (rule_set.intake_anchors or {}).items():
        if anchor not in ANCHORS or anchor in INSTANCE_ANCHORS or anchor in (
                "service_start", "service_end", "holiday_in_service"):
            out.append(f"intake anchor {anchor!r}: only an order-level anchor that the "
                       "order does not give itself (e.g. baby_birth) may come from the intake")
        if not fields_ or not all(isinstance(f, str) and f for f in fields_):
            out.append(f"intake anchor {anchor!r}: name one or more intake fields")
    return out


def _after_problems(rule_set: FollowupRules, seen: dict[str, FollowupRule]) -> list[str]:
    out = []
    codes = [r.code for r in rule_set.rules if isinstance(r, FollowupRule)]
    for i, rule in enumerate(r for r in rule_set.rules if isinstance(r, FollowupRule)):
        if rule.after is None:
            continue
        earlier = seen.get(rule.after)
        if earlier is None or rule.after not in codes[:i]:
            out.append(f"rule {rule.code!r}: after must name an earlier rule, not "
                       f"{rule.after!r}")
        elif earlier.anchor != rule.anchor or rule.anchor == "holiday_in_service":
            out.append(f"rule {rule.code!r}: after must name a rule on the same anchor "
                       "(not a holiday greeting)")
        offset = rule.days if rule.days is not None else rule.hours
        if isinstance(offset, int) and offset < 1:
            out.append(f"rule {rule.code!r}: counted from an earlier call, the offset must "
                       "be at least 1")
    return out


def offset_days(rule_set: FollowupRules, rule: FollowupRule, depth: int = 0) -> int | None:
    """The rule's offset from its anchor in days, following ``after`` — None when any
    step counts in hours (or the chain is broken)."""
    if rule.days is None or not isinstance(rule.days, int) or depth > len(rule_set.rules):
        return None
    if rule.after is None:
        return rule.days
    earlier = rule_set.rule(rule.after)
    base = offset_days(rule_set, earlier, depth + 1) if earlier is not None else None
    return None if base is None else base + rule.days


def out_of_order(rule_set: FollowupRules) -> list[tuple[str, str]]:
    """``(code, earlier code)`` of each rule that waits for an earlier rule's outcome
    (``when``) on the same anchor yet is due on or before it (both counted in days)."""
    out = []
    for rule in rule_set.rules:
        if not isinstance(rule, FollowupRule) or not isinstance(rule.when, Condition):
            continue
        earlier = rule_set.rule(rule.when.rule)
        if earlier is None or earlier.anchor != rule.anchor or earlier is rule:
            continue
        mine, theirs = offset_days(rule_set, rule), offset_days(rule_set, earlier)
        if mine is not None and theirs is not None and mine <= theirs:
            out.append((rule.code, earlier.code))
    return out


def _rule_problems(rule: FollowupRule) -> list[str]:
    out = []
    if not isinstance(rule.code, str) or not _CODE.match(rule.code):
        out.append("code must be lower-case letters, digits and _ (at most 40)")
    if rule.anchor not in ANCHORS:
        out.append(f"anchor {rule.anchor!r} is not one of {', '.join(ANCHORS)}")
    if rule.kind not in KINDS:
        out.append(f"kind {rule.kind!r} is not one of {', '.join(KINDS)}")
    if (rule.days is None) == (rule.hours is None):
        out.append("give exactly one offset: days or hours")
    for name in ("days", "hours"):
        value = getattr(rule, name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or abs(value) > 3660):
            out.append(f"{name} must be a whole number within ±3660")
    if rule.kind == "survey" and rule.anchor not in SURVEY_ANCHORS:
        out.append(f"a survey is sent after a service: anchor it on {', '.join(SURVEY_ANCHORS)}")
    if rule.anchor == "holiday_in_service" and rule.hours is not None:
        out.append("a holiday greeting is offset in days")
    if not isinstance(rule.at, str) or not _TIME.match(rule.at):
        out.append("at must be a time of day HH:MM")
    for name in ("title_zh", "title_en", "script_zh", "script_en"):
        value = getattr(rule, name)
        if not isinstance(value, str) or not value.strip():
            out.append(f"{name} must be given (both languages)")
        elif name.startswith("title") and len(value) > 100:
            out.append(f"{name} is longer than 100 characters")
    if rule.on_not_satisfied is not None and rule.on_not_satisfied not in ON_NOT_SATISFIED:
        out.append(f"on_not_satisfied must be one of {', '.join(ON_NOT_SATISFIED)}")
    if rule.when is not None and not isinstance(rule.when, Condition):
        out.append("when must be a core.Condition")
    if rule.after is not None and not isinstance(rule.after, str):
        out.append("after must be the code of an earlier rule")
    if rule.min_span_hours is not None and rule.anchor != "visit_start":
        out.append("min_span_hours applies only to the visit_start anchor")
    return out


def check(rule_set: FollowupRules, owner: str = "?") -> FollowupRules:
    """Return ``rule_set`` when valid; raise :class:`RuleError` listing its problems."""
    found = problems(rule_set)
    if found:
        raise RuleError(f"follow-up rules of {owner!r} are invalid: " + "; ".join(found))
    return rule_set
