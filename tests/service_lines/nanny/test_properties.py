"""Nanny (育婴师) prices hold for any table and arrangement: never negative, lines add up,
and more hours a day never cost less."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.nanny.price_table import validated
from plugins.nanny.pricing import quote
from plugins.nanny.schemas import ARRANGEMENTS, GRADES, MONTHLY_ARRANGEMENTS

from ..strategies import amounts, assert_sound, factors, per_choice

HOURS = st.integers(1, 12)


@st.composite
def tables(draw) -> dict:
    """A valid table: monthly prices per arrangement and grade, hourly rates, days a month."""
    return validated({
        "currency": "CNY", "floor_ratio": draw(factors("0.50", "1.00")),
        "monthly_rates": draw(per_choice(MONTHLY_ARRANGEMENTS,
                                         per_choice(GRADES, amounts("0.01", "30000.00")))),
        "hourly_rates": draw(per_choice(GRADES, amounts("0.01", "300.00"))),
        "hourly_days_per_month": draw(st.integers(1, 31)),
    })


@st.composite
def intakes(draw) -> dict:
    """A loaded intake of any arrangement (hourly ones with hours, maybe days a month)."""
    arrangement = draw(st.sampled_from([code for code, _zh, _en in ARRANGEMENTS]))
    intake = {"child_age_months": 8, "arrangement": arrangement,
              "grade": draw(st.sampled_from([code for code, _zh, _en in GRADES])),
              "start_date": draw(st.dates()), "requirements": {}}
    if arrangement == "hourly":
        intake["hours_per_day"] = draw(HOURS)
        intake["days_per_month"] = draw(st.none() | st.integers(1, 31))
    return intake


@settings(max_examples=200, deadline=None)
@given(tables(), intakes())
def test_a_nanny_price_is_never_negative_and_its_lines_add_up(table, intake):
    assert_sound(quote(intake, table))


@settings(max_examples=100, deadline=None)
@given(tables(), intakes(), HOURS, HOURS)
def test_more_hours_a_day_never_cost_less(table, intake, a, b):
    fewer, more = sorted((a, b))
    intake = {**intake, "arrangement": "hourly"}
    assert (quote({**intake, "hours_per_day": fewer}, table).total
            <= quote({**intake, "hours_per_day": more}, table).total)
