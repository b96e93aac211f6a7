"""An order's policy: does its line interview first, need a contract, allow which terms
(a 月嫂's standard 26 days …) — the line's answer (``ServiceLine.order_policy``) under the
company's current price table. It decides the order's lifecycle, so it lives with orders;
the tables are the pricing area's."""
from __future__ import annotations

from .. import plugins
from ..pricing import service as pricing
from ..readcache import shared
from ..types import OrderPolicy


def order_policy(code: str) -> OrderPolicy:
    """The policy of line ``code`` under the company's current price table (404 for a line
    that is not installed)."""
    return order_policies({code})[code]


def order_policies(codes: set[str] | list[str]) -> dict[str, OrderPolicy]:
    """The policy of each line in ``codes``, from one read of their price tables — made
    once per data generation and shared by the requests (the tables change rarely;
    :func:`core.readcache.shared`)."""
    codes = tuple(sorted(set(codes)))
    return dict(shared(("order_policies", codes), lambda: {
        code: plugins.order_policy(code, table)
        for code, table in pricing.current_tables(codes).items()}))
