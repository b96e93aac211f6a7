"""Row locks that hold on both databases.

PostgreSQL locks the row read ``FOR UPDATE``; SQLite ignores ``FOR UPDATE`` and reads
outside any transaction until the first write, so two requests could both read "not done
yet" and both write. :func:`serialise_writers` takes SQLite's write lock first
(``BEGIN IMMEDIATE``): the second writer waits (busy timeout) until the first commits and
then reads what it wrote.
"""
from __future__ import annotations

from .extensions import db


def serialise_writers() -> None:
    """SQLite: take the database write lock now (``BEGIN IMMEDIATE``) so the checks and
    the writes that follow cannot interleave with another writer's. PostgreSQL: nothing
    (row locks or constraints decide)."""
    conn = db.session.connection()
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if not raw.in_transaction:  # already writing → this transaction holds the lock
        conn.exec_driver_sql("BEGIN IMMEDIATE")
