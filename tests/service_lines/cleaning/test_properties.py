"""Cleaning (保洁) prices hold for any table a company may write and any intake:
never negative, lines add up to the total, and a larger area never costs less."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.cleaning.price_table import validated
from plugins.cleaning.pricing import quote
from plugins.cleaning.schemas import DIRT_LEVELS, FREQUENCIES, KINDS, MAX_AREA, MAX_VISITS

from ..strategies import amounts, assert_sound, factors, per_choice

RATES = amounts("0.01", "60.00")


@st.composite
def tables(draw) -> dict:
    """A valid cleaning table: 1–4 rising area bands (any rates, also rising ones), dirt
    factors, frequency discounts of at most 1 and a minimum charge (may be 0)."""
    limits = draw(st.lists(st.integers(1, int(MAX_AREA) - 1), max_size=3, unique=True))
    bands = [{"up_to": str(limit), "rates": draw(per_choice(KINDS, RATES))}
             for limit in [*sorted(limits), int(MAX_AREA)]]
    return validated({
        "currency": "CNY", "floor_ratio": draw(factors("0.50", "1.00")), "area_bands": bands,
        "dirt_factors": draw(per_choice(DIRT_LEVELS, factors("0.50", "2.00"))),
        "frequency_discounts": draw(per_choice(FREQUENCIES, factors("0.50", "1.00"))),
        "minimum_per_visit": draw(amounts("0.00", "500.00")),
    })


AREAS = st.decimals(Decimal("0.001"), MAX_AREA, places=3)


@st.composite
def intakes(draw) -> dict:
    """A loaded cleaning intake, area left out (each test sets it)."""
    frequency = draw(st.sampled_from([code for code, _zh, _en in FREQUENCIES]))
    return {
        "kind": draw(st.sampled_from([code for code, _zh, _en in KINDS])),
        "dirt_level": draw(st.sampled_from([code for code, _zh, _en in DIRT_LEVELS])),
        "frequency": frequency,
        "visits": None if frequency == "one_off" else draw(st.integers(1, MAX_VISITS)),
        "preferred_date": draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2100, 12, 31))),
    }


@settings(max_examples=150, deadline=None)
@given(tables(), intakes(), AREAS)
def test_a_cleaning_price_is_never_negative_and_its_lines_add_up(table, intake, area):
    q = quote({**intake, "floor_area": area}, table)
    assert_sound(q)
    assert q.total >= table["minimum_per_visit"]  # at least one visit's minimum charge


@settings(max_examples=250, deadline=None)
@given(tables(), intakes(), AREAS, AREAS)
def test_a_larger_area_never_costs_less(table, intake, a, b):
    small, large = sorted((a, b))
    assert (quote({**intake, "floor_area": small}, table).total
            <= quote({**intake, "floor_area": large}, table).total)


@settings(max_examples=100, deadline=None)
@given(tables(), intakes(), st.data())
def test_crossing_each_band_limit_never_lowers_the_price(table, intake, data):
    for band in table["area_bands"][:-1]:
        limit = band["up_to"]
        just_above = limit + data.draw(st.sampled_from(
            [Decimal("0.001"), Decimal("0.01"), Decimal("0.5"), Decimal(1)]))
        assert (quote({**intake, "floor_area": limit}, table).total
                <= quote({**intake, "floor_area": just_above}, table).total)
