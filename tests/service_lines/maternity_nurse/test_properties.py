"""Maternity nurse (月嫂) prices hold for any table and term: never negative, lines add up,
and a longer term never costs less."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.maternity_nurse.price_table import validated
from plugins.maternity_nurse.pricing import quote
from plugins.maternity_nurse.schemas import GRADES, MAX_TERM_DAYS

from ..strategies import amounts, assert_sound, factors, per_choice

DAYS = st.integers(1, MAX_TERM_DAYS)


@st.composite
def tables(draw) -> dict:
    """A valid table: a daily rate per grade, a twins surcharge (may be 0), standard terms."""
    return validated({
        "currency": "CNY", "floor_ratio": draw(factors("0.50", "1.00")),
        "daily_rates": draw(per_choice(GRADES, amounts("0.01", "3000.00"))),
        "twins_daily_surcharge": draw(amounts("0.00", "500.00")),
        "standard_terms": draw(st.lists(DAYS, min_size=1, max_size=4, unique=True)),
    })


@st.composite
def intakes(draw) -> dict:
    """A loaded intake, term left out (each test sets it)."""
    return {"grade": draw(st.sampled_from([code for code, _zh, _en in GRADES])),
            "twins": draw(st.booleans()), "live_in": draw(st.booleans()),
            "expected_delivery_date": draw(st.dates())}


@settings(max_examples=200, deadline=None)
@given(tables(), intakes(), DAYS)
def test_a_maternity_nurse_price_is_never_negative_and_its_lines_add_up(table, intake, days):
    assert_sound(quote({**intake, "term_days": days}, table))


@settings(max_examples=200, deadline=None)
@given(tables(), intakes(), DAYS, DAYS)
def test_a_longer_term_never_costs_less(table, intake, a, b):
    short, long = sorted((a, b))
    assert (quote({**intake, "term_days": short}, table).total
            <= quote({**intake, "term_days": long}, table).total)
