"""Hypothesis strategies shared by the pricing property tests: exact amounts and factors
as a company could type them into a price table (strings, never floats)."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st


def amounts(low: str = "0.01", high: str = "20000.00") -> st.SearchStrategy[str]:
    """A yuan amount to the fen, as a price table writes it ("35.00")."""
    return st.decimals(Decimal(low), Decimal(high), places=2).map(lambda d: f"{d:.2f}")


def factors(low: str = "0.50", high: str = "2.00") -> st.SearchStrategy[str]:
    """An exact factor such as a discount ("0.95") or a surcharge ("1.30")."""
    return st.decimals(Decimal(low), Decimal(high), places=2).map(lambda d: f"{d:.2f}")


def per_choice(choices, values: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """One value for every code of a ``(code, zh, en)`` choice list."""
    return st.fixed_dictionaries({code: values for code, _zh, _en in choices})


def assert_sound(quote) -> None:
    """What every quote owes a customer: never negative, and its lines add up."""
    assert quote.total >= 0
    assert sum((line.amount for line in quote.lines), Decimal("0.00")) == quote.total
    if quote.table_floor is not None:
        assert 0 <= quote.table_floor <= quote.total
