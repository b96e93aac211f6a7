"""Child massage (小儿推拿) prices hold for any table and purchase: never negative, lines
add up, and a session at home never costs less than the same at the company."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.child_massage.price_table import validated
from plugins.child_massage.pricing import quote

from ..strategies import amounts, assert_sound, factors


@st.composite
def tables(draw) -> dict:
    """A valid table: a single price, 0–10 packages of distinct sizes, a home surcharge."""
    sizes = draw(st.lists(st.integers(2, 100), max_size=10, unique=True))
    return validated({
        "currency": "CNY", "floor_ratio": draw(factors("0.50", "1.00")),
        "single_session": draw(amounts("0.01", "1000.00")),
        "packages": [{"sessions": n, "price": draw(amounts("0.01", "50000.00"))} for n in sizes],
        "home_visit_surcharge": draw(amounts("0.00", "200.00")),
    })


@st.composite
def purchases(draw, table: dict) -> dict:
    """A loaded intake buying a single session or one of the table's packages."""
    sizes = [p["sessions"] for p in table["packages"]]
    package = draw(st.sampled_from([None, *sizes]))
    return {"child_age_months": draw(st.integers(0, 144)), "needs": ["daily_care"],
            "purchase": "single" if package is None else "package",
            "package_sessions": package}


@settings(max_examples=200, deadline=None)
@given(tables(), st.data(), st.sampled_from(["home", "company"]))
def test_a_child_massage_price_is_never_negative_and_its_lines_add_up(table, data, place):
    assert_sound(quote({**data.draw(purchases(table)), "place": place}, table))


@settings(max_examples=100, deadline=None)
@given(tables(), st.data())
def test_at_home_never_costs_less_than_at_the_company(table, data):
    intake = data.draw(purchases(table))
    assert (quote({**intake, "place": "company"}, table).total
            <= quote({**intake, "place": "home"}, table).total)
