"""The planner, pure: each line's rules and sample anchors give exactly these due times
(Asia/Shanghai), including service periods over National Day and Spring Festival, and
the branches on the day-3 outcome."""
from __future__ import annotations

import datetime as dt

import pytest

from core import Condition, FollowupRule, FollowupRules
from core.followups.planner import PLANNED_END, Anchor, plan
from core.followups.rules import RuleError, check, problems
from core.workcalendar import holidays_in
from plugins.child_massage.followups import RULES as MASSAGE
from plugins.cleaning.followups import RULES as CLEANING
from plugins.maternity_nurse.followups import RULES as MATERNITY
from plugins.nanny.followups import RULES as NANNY

from .helpers import at, local


def day(d: str) -> Anchor:
    return Anchor(at(d))


def schedule(rules, anchors, outcomes=None) -> dict[str, str]:
    return {(p.rule_code if p.rule_code != "holiday_greeting" else p.anchor_key): local(p.due_at)
            for p in plan(rules, anchors, outcomes).followups}


@pytest.mark.parametrize("rules", [MATERNITY, NANNY, CLEANING, MASSAGE])
def test_every_shipped_rule_set_is_valid(rules):
    assert problems(rules) == []


def test_day_n_is_n_days_after_the_start_date():
    # the manual: start on the 2nd → day 3 is the 5th
    got = schedule(NANNY, {"service_start": day("2026-03-02"),
                           PLANNED_END: day("2026-03-20")})
    assert got["day3"] == "2026-03-05 10:00"
    assert got["day15"] == "2026-03-17 10:00"


def test_maternity_nurse_over_national_day_and_mid_autumn():
    anchors = {"service_start": day("2025-09-28"), PLANNED_END: day("2025-10-23"),
               "baby_birth": day("2025-09-25")}
    assert schedule(MATERNITY, anchors) == {
        "day3": "2025-10-01 10:00",
        "holiday:2025-10-01": "2025-10-01 09:00",   # 国庆节
        "holiday:2025-10-06": "2025-10-06 09:00",   # 中秋节 inside the 国庆 holiday
        "day15": "2025-10-13 10:00",
        "photo_booking": "2025-10-15 10:00",       # before 满月 (born 09-25)
    }


def test_maternity_nurse_over_spring_festival_then_the_end_of_service_call():
    anchors = {"service_start": day("2026-02-10"), "service_end": day("2026-03-07"),
               "baby_birth": day("2026-02-08")}
    got = schedule(MATERNITY, anchors)
    assert got["holiday:2026-02-15"] == "2026-02-15 09:00"  # 春节
    assert got["day3"] == "2026-02-13 10:00" and got["day15"] == "2026-02-25 10:00"
    assert got["photo_booking"] == "2026-02-28 10:00"
    assert got["end_of_service"] == "2026-03-08 10:00"
    assert "holiday:2026-04-04" not in got  # 清明 is after 下户


def test_nanny_from_september_to_march_greets_every_holiday_in_between():
    anchors = {"service_start": day("2025-09-20"), PLANNED_END: day("2026-03-01")}
    greetings = sorted(k for k in schedule(NANNY, anchors) if k.startswith("holiday:"))
    assert greetings == ["holiday:2025-10-01", "holiday:2025-10-06", "holiday:2026-01-01",
                         "holiday:2026-02-15"]


def test_a_service_starting_inside_a_holiday_greets_on_its_first_day_there():
    scan = holidays_in(dt.date(2025, 10, 3), dt.date(2025, 10, 20))
    assert [(h.date.isoformat(), h.name_zh) for h in scan.holidays] == [
        ("2025-10-03", "国庆节"), ("2025-10-06", "中秋")]


def test_day5_only_after_a_satisfied_day3_and_never_after_a_not_satisfied_one():
    anchors = {"service_start": day("2026-03-02"), PLANNED_END: day("2026-03-27")}
    assert "day5" not in schedule(MATERNITY, anchors)
    assert schedule(MATERNITY, anchors, {("day3", "service_start"): "satisfied"})["day5"] == \
        "2026-03-07 10:00"
    assert "day5" not in schedule(MATERNITY, anchors,
                                  {("day3", "service_start"): "not_satisfied"})


def test_mediation_has_follow_ups_of_its_own_per_case():
    anchors = {"service_start": day("2026-03-02"), "mediation_opened:4": Anchor(
        at("2026-03-05", "11:30")), "mediation_resolved:4": Anchor(at("2026-03-08", "16:00"))}
    got = {(p.rule_code, p.anchor_key): local(p.due_at)
           for p in plan(MATERNITY, anchors).followups}
    assert got[("mediation_worker", "mediation_opened:4")] == "2026-03-05 13:30"
    assert got[("mediation_check", "mediation_opened:4")] == "2026-03-07 10:00"
    assert got[("mediation_closed", "mediation_resolved:4")] == "2026-03-11 10:00"


def test_cleaning_checks_during_a_long_visit_then_confirms_with_the_short_follow_up_in_one_call():
    long_visit = {"visit_start:1": Anchor(at("2026-11-23", "09:00"), at("2026-11-23", "13:00")),
                  "visit_end:1": Anchor(at("2026-11-23", "13:20"))}
    got = {p.rule_code: local(p.due_at) for p in plan(CLEANING, long_visit).followups}
    assert got == {"check_1": "2026-11-23 10:00", "check_2": "2026-11-23 12:00",
                   "finish_confirmation": "2026-11-23 13:20",  # no second call the next day
                   "survey": "2026-11-23 15:20"}  # the survey link two hours after the visit
    short = {"visit_start:2": Anchor(at("2026-11-23", "09:00"), at("2026-11-23", "11:00"))}
    assert [p.rule_code for p in plan(CLEANING, short).followups] == ["check_1"]


def test_child_massage_calls_after_each_session():
    anchors = {"session_end:7": Anchor(at("2026-11-23", "15:00")),
               "session_end:8": Anchor(at("2026-11-30", "10:00"))}
    got = [(p.anchor_key, p.rule_code, local(p.due_at))
           for p in plan(MASSAGE, anchors).followups]
    assert sorted(got) == [
        ("session_end:7", "after_session", "2026-11-23 17:00"),
        ("session_end:7", "survey", "2026-11-23 18:00"),
        ("session_end:8", "after_session", "2026-11-30 12:00"),
        ("session_end:8", "survey", "2026-11-30 13:00")]


def test_greetings_in_a_year_without_an_official_schedule_are_planned_as_estimates():
    anchors = {"service_start": day("2026-12-20"), PLANNED_END: day("2027-02-20")}
    result = plan(NANNY, anchors)
    assert result.uncovered_years == (2027,)
    greetings = {p.anchor_key: p for p in result.followups if p.anchor_key.startswith("holiday:")}
    assert sorted(greetings) == ["holiday:2027-01-01", "holiday:2027-02-05"]
    assert "估算" in greetings["holiday:2027-01-01"].title_zh
    assert "estimated" in greetings["holiday:2027-01-01"].title_en


def test_invalid_rules_are_refused_naming_each_problem():
    bad = FollowupRules(rules=(
        FollowupRule("day3", "start_of_service", "phone", "t", "t", "s", "s", days=3),
        FollowupRule("day5", "service_start", "fax", "t", "t", "s", "s", days=5, hours=2,
                     when=Condition("day4", "satisfied")),
        FollowupRule("day5", "service_start", "phone", "", "t", "s", "s", days=5),
    ))
    with pytest.raises(RuleError) as exc:
        check(bad, "test")
    message = str(exc.value)
    for expected in ("anchor 'start_of_service'", "kind 'fax'", "exactly one offset",
                     "unknown rule 'day4'", "used twice", "title_zh"):
        assert expected in message
