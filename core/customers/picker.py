"""The customer picker of the new-order form (选择客户): a few characters of a name or a
phone number find the customer, server-side, showing only what the person may see.

It matches what the customer search matches (:func:`service.match_clause`) and never
confirms a hidden digit: a name where the row shows it (a 王** name is never matched, two
characters being the minimum), a full mobile's digits anywhere, a masked one's shown
first 3 / last 4 only, a closed file's never; a query of digits is a phone search (names
are not searched by digits) and is recorded, masked, like every phone search.

For speed over tens of thousands of files the database does one plain ``LIKE`` over an
index (the name's or the mobile's, id included: no table read), newest first, and each
candidate is then checked with :func:`disclosure.sight` (the same rule
the pages use) until ``LIMIT`` rows are found — so a common query stops early and a rare
one is a single cheap scan.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..audit.service import record
from ..extensions import db
from ..transactions import commit
from . import disclosure
from .models import Customer
from .service import ENTITY, _masked_query, _mobile_digits, contains_text

LIMIT = 10
#: fewer characters than this answer nothing (two Chinese characters name a person)
MIN_CHARS = 2
_VISIBLE_NAME = ("name", "masked", "full")


def _shows(customer: Customer, user, q: str, digits: str | None) -> bool:
    """Whether what this person sees of the file contains the query."""
    seen = disclosure.sight(customer, user)
    if digits is None:
        return seen.view in _VISIBLE_NAME and q.casefold() in customer.name.casefold()
    if seen.view == "full":
        return digits in customer.mobile
    if seen.view == "masked":
        return (len(digits) <= 4 and customer.mobile.endswith(digits)) or \
            (len(digits) <= 3 and customer.mobile.startswith(digits))
    return False


def pick(user, q: str | None, limit: int = LIMIT) -> list[dict]:
    """Rows ``{id, name, mobile}`` (name and mobile as ``user`` may see them; mobile
    None where the file does not open) of active customers matching ``q``, newest first."""
    q = (q or "").strip()
    if len(q) < MIN_CHARS:
        return []
    digits = _mobile_digits(q)
    if digits is not None:
        column, needle = Customer.mobile, digits
        record("search", ENTITY, None, "customers searched by phone digits (picker)",
               {"q": [None, _masked_query(digits)]}, actor_id=user.id)
        commit()  # the phone search stays on record whatever follows
    else:
        column, needle = Customer.name, q
    # ids first, from an index alone: the mobile's unique index or the name's (each
    # covering: id is in it); sorted newest first here, as an ORDER BY id would make the
    # database walk the table instead. The files are then loaded a few at a time and
    # checked.
    match = column.contains(needle, autoescape=True) if digits is not None \
        else contains_text(column, needle)
    # (plain rows through the session's connection: thousands of ids for a short query
    # of digits, not worth the ORM's per-row work)
    ids = sorted(db.session.connection().execute(sa.select(Customer.id).where(match))
                 .scalars(), reverse=True)
    rows = []
    for start in range(0, len(ids), 32):
        batch = db.session.scalars(sa.select(Customer).where(
            Customer.id.in_(ids[start:start + 32]), Customer.status == "active")
            .order_by(Customer.id.desc())).all()
        for customer in batch:
            if _shows(customer, user, q, digits):
                rows.append({"id": customer.id, "name": disclosure.shown_name(customer, user),
                             "mobile": disclosure.shown_mobile(customer, user)})
                if len(rows) == limit:
                    return rows
    return rows
