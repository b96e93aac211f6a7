"""What the PostgreSQL benchmarks share: a throw-away database next to the given one, and
COPY of generated rows (psycopg 3)."""
from __future__ import annotations

import os
import uuid

import sqlalchemy as sa


def _admin_url(base_url: str):
    return sa.make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1))


def make_database(base_url: str, prefix: str = "jz_bench") -> tuple[str, str]:
    """Create ``<prefix>_<pid>_<random>`` beside ``base_url``; return (its URL, its name)."""
    url = _admin_url(base_url)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name


def drop_database(base_url: str, name: str) -> None:
    """Drop a database :func:`make_database` made, closing its connections."""
    from sqlalchemy.pool import NullPool

    admin = sa.create_engine(_admin_url(base_url), isolation_level="AUTOCOMMIT",
                             poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def copy_rows(conn, table: str, columns: list[str], rows) -> None:
    """COPY rows (tuples) into a table through psycopg 3."""
    cur = conn.cursor()
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
