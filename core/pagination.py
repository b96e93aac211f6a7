"""Paging, sorting and the list envelope shared by every list endpoint."""
from __future__ import annotations

import math

import sqlalchemy as sa
from flask import current_app
from marshmallow import Schema, fields, validate

from .extensions import db

#: the last page any list serves (beyond it a list is empty; an API asking is refused)
MAX_PAGE = 100_000


def page_number(raw: object) -> int:
    """The page a web page's ``?page=`` asks for: 1 when missing or not a number,
    never past :data:`MAX_PAGE` (so no offset overflows the database)."""
    try:
        number = int(str(raw).strip()) if raw is not None else 1
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


class PageArgsSchema(Schema):
    """Query arguments every list accepts: ``page``, ``per_page``, ``sort``, ``q``."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))
    sort = fields.String(load_default=None, metadata={
        "description": "Field to sort by; prefix with '-' for descending."})
    q = fields.String(load_default=None, metadata={"description": "Search text."})


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """A schema class for ``{"items": [...], "total", "page", "per_page", "pages"}``."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
        "pages": fields.Integer(),
    }, name=name)


def apply_sort(stmt: sa.Select, sort: str | None, allowed: dict, default) -> sa.Select:
    """Order by one of the ``allowed`` columns (``-name`` descending), else ``default``.

    An unknown sort key is refused with 422 naming the keys that are allowed.
    """
    from .errors import Invalid

    if not sort:
        return stmt.order_by(*default) if isinstance(default, (list, tuple)) else stmt.order_by(
            default)
    key = sort.lstrip("-")
    if key not in allowed:
        keys = ", ".join(sorted(allowed))
        raise Invalid(fields={"sort": [{"en": f"Sort by one of: {keys}.",
                                        "zh": f"只能按以下字段排序：{keys}。"}]})
    col = allowed[key]
    return stmt.order_by(col.desc() if sort.startswith("-") else col.asc(), *(
        default if isinstance(default, (list, tuple)) else [default]))


def paginate(stmt: sa.Select, page: int = 1, per_page: int | None = None, scalars: bool = True,
             *, count: sa.Select | None = None, columns: tuple = ()) -> dict:
    """Run a select one page at a time; returns the list envelope.

    ``count``: the same rows, cheaper to count (e.g. without joins that only feed the
    page); ``columns``: more columns read with the page (not counted) — the items are
    then rows ``(object, *columns)``."""
    per_page = min(per_page or current_app.config["PAGE_SIZE_DEFAULT"],
                   current_app.config["PAGE_SIZE_MAX"])
    page = page_number(page)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        (stmt if count is None else count).order_by(None).subquery())) or 0
    if columns:
        stmt, scalars = stmt.add_columns(*columns), False
    paged = stmt.limit(per_page).offset((page - 1) * per_page)
    items = list(db.session.scalars(paged) if scalars else db.session.execute(paged))
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": max(1, math.ceil(total / per_page))}
