"""Sequential numbers that never collide: one counter row per series, bumped under lock.

Order numbers (JZ<date>-NNNN), contract versions and visit sequence numbers used to be
taken as "the largest so far + 1", which two requests at the same moment read alike and
then collide on the unique constraint (a 500 for one of them). Here every series is a row
in ``counters``; :func:`next_value` bumps it with one ``UPDATE … RETURNING``, which holds
the row's write lock until the caller's transaction ends (PostgreSQL: a row lock; SQLite:
the database's write lock), so the next caller waits and reads the bumped value. The
numbers are unique, not gap-free: a transaction that rolls back leaves a gap.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class Counter(db.Model):
    """The last number handed out in one series (e.g. ``order:20261205``)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)


def _bump(name: str) -> int | None:
    stmt = (sa.update(Counter).where(Counter.name == name)
            .values(value=Counter.value + 1).returning(Counter.value)
            .execution_options(synchronize_session=False))
    return db.session.execute(stmt).scalar_one_or_none()


def _create(name: str, start: int) -> None:
    """Insert the series' row unless another transaction already did (it then wins)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"numbering does not support {dialect}")
    db.session.execute(insert(Counter).values(name=name, value=start)
                       .on_conflict_do_nothing(index_elements=["name"]))


def next_value(name: str, seed: Callable[[], int] | None = None) -> int:
    """The next number of series ``name`` inside the caller's transaction.

    ``seed`` gives the last number already used when the series has no row yet (numbers
    taken before counters existed); it is read once, when the row is made. The row stays
    locked until the caller commits or rolls back, so keep the transaction short.
    """
    value = _bump(name)
    if value is None:
        _create(name, int(seed()) if seed else 0)
        value = _bump(name)
    assert value is not None
    return int(value)
