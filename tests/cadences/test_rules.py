"""FollowupRule.after in the pure planner and the rule check: counted from an earlier
rule's planned call; the default keeps counting from the anchor."""
from __future__ import annotations

import dataclasses

from core import Condition, FollowupRule, FollowupRules
from core.cadences.service import apply
from core.followups.planner import Anchor, plan
from core.followups.rules import problems
from plugins.maternity_nurse.followups import RULES as MATERNITY
from tests.followups.helpers import at, local

START = {"service_start": Anchor(at("2026-03-02"))}
SATISFIED = {("day3", "service_start"): "satisfied"}


def due(rules, outcomes=SATISFIED) -> dict[str, str]:
    return {p.rule_code: local(p.due_at) for p in plan(rules, START, outcomes).followups
            if p.anchor_key == "service_start"}


def test_day5_counted_from_the_day3_call_is_day8_and_the_default_stays_day5():
    assert due(MATERNITY)["day5"] == "2026-03-07 10:00"
    assert due(apply(MATERNITY, {"day5": {"days": 5, "after": "day3"}}))["day5"] == \
        "2026-03-10 10:00"
    # moved day 3 moves day 5 with it; hours count from day 3's exact time
    moved = apply(MATERNITY, {"day3": {"days": 4, "at": "15:30"},
                              "day5": {"hours": 2, "after": "day3"}})
    assert due(moved)["day5"] == "2026-03-06 17:30"


def _rule(code, **kw):
    return FollowupRule(code, kw.pop("anchor", "service_start"), "phone", "t", "t", "s", "s",
                        **kw)


def test_after_must_name_an_earlier_rule_on_the_same_anchor_with_a_positive_offset():
    later = FollowupRules(rules=(_rule("a", days=1, after="b"), _rule("b", days=2)))
    assert any("after must name an earlier rule" in p for p in problems(later))
    other = FollowupRules(rules=(_rule("a", days=1), _rule("b", days=2, after="a",
                                                           anchor="service_end")))
    assert any("same anchor" in p for p in problems(other))
    zero = FollowupRules(rules=(_rule("a", days=1), _rule("b", days=0, after="a")))
    assert any("at least 1" in p for p in problems(zero))
    good = FollowupRules(rules=(_rule("a", days=1), _rule("b", days=3, after="a")))
    assert problems(good) == []


def test_a_rule_waiting_for_an_earlier_outcome_must_be_due_after_it():
    early = dataclasses.replace(MATERNITY, rules=tuple(
        dataclasses.replace(r, days=3) if r.code == "day5" else r for r in MATERNITY.rules))
    assert any("'day5': it waits for 'day3'" in p for p in problems(early))
    assert problems(FollowupRules(rules=(_rule("a", days=3), _rule(
        "b", days=1, after="a", when=Condition("a", "satisfied"))))) == []
