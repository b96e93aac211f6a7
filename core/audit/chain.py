"""The audit trail's hash chain (审计链): every row carries a hash of its content and of
the row before it, so an edited, deleted or reordered row breaks the chain.

``seq`` numbers the rows 1, 2, 3 … in chain order; ``row_hash`` is
``sha256(previous row's hash + canonical content)``; the first row follows
:data:`GENESIS`. One row of ``audit_chain_head`` holds the newest ``seq`` and hash: it is
the lock that keeps concurrent writers on one chain (every writer updates it before it
reads it, which takes PostgreSQL's row lock and SQLite's write lock), and it lets
``verify`` notice that the newest rows were deleted.

This module is plain Python over SQLAlchemy Core, given the two tables (the migration that
chains the rows written before it uses it too).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

GENESIS = "0" * 64



def moment_text(at: dt.datetime | str) -> str:
    """A row's time as the chain hashes it: UTC, ``YYYY-MM-DD HH:MM:SS.ffffff`` (the form
    SQLite stores and PostgreSQL's ``to_char`` gives, so verify reads it as text)."""
    if isinstance(at, str):
        return at
    if at.tzinfo is None:  # naive UTC (SQLite through Core)
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def _text(value: str | None) -> str:
    return "-" if value is None else f"{len(value)}:{value}"  # length-prefixed: unambiguous


def canonical(seq, at, actor_id, action, entity_type, entity_id, summary, changes) -> bytes:
    """The bytes a row's hash covers: its content as stored, in one fixed form."""
    return "\x1f".join((
        str(seq), moment_text(at), str(actor_id), _text(action), _text(entity_type),
        str(entity_id), _text(summary),
        "null" if changes is None else json.dumps(changes, ensure_ascii=False, sort_keys=True,
                                                  separators=(",", ":"), default=str),
    )).encode()


def link(previous: str, content: bytes) -> str:
    """The hash of a row whose content is ``content`` after a row hashed ``previous``."""
    return hashlib.sha256(previous.encode() + content).hexdigest()


def lock_head(conn: sa.Connection, events_table: sa.Table,
              head_table: sa.Table) -> tuple[int, str]:
    """Take the chain's lock for this transaction and return (newest seq, its hash).

    Writing first is what takes the lock on both databases; a missing head row (a fresh
    or emptied database) is made from the newest chained row.
    """
    lock = sa.update(head_table).where(head_table.c.id == 1).values(seq=head_table.c.seq)
    if conn.execute(lock).rowcount == 0:
        last = conn.execute(sa.select(events_table.c.seq, events_table.c.row_hash)
                            .where(events_table.c.seq.is_not(None))
                            .order_by(events_table.c.seq.desc()).limit(1)).first()
        seq, row_hash = (last.seq, last.row_hash) if last else (0, GENESIS)
        dialect = importlib.import_module(f"sqlalchemy.dialects.{conn.dialect.name}")
        conn.execute(dialect.insert(head_table).values(id=1, seq=seq, row_hash=row_hash)
                     .on_conflict_do_nothing())  # two first writers: one makes it
        conn.execute(lock)
    row = conn.execute(sa.select(head_table.c.seq, head_table.c.row_hash)
                       .where(head_table.c.id == 1)).one()
    return row.seq, row.row_hash


def move_head(conn: sa.Connection, head_table: sa.Table, seq: int, row_hash: str) -> None:
    """Record the new newest row (inside the transaction that holds the lock)."""
    conn.execute(sa.update(head_table).where(head_table.c.id == 1)
                 .values(seq=seq, row_hash=row_hash))


@dataclass
class Finding:
    """The first place the chain breaks (``None`` from :func:`verify` when it holds)."""

    seq: int | None
    row_id: int | None
    problem: str          # code: edited_or_moved, missing, unchained, head_mismatch
    message: str


def _walk(result) -> tuple[Finding | None, str, int, int]:
    """Follow the chain over the rows; (first break or None, last good hash, the next seq
    expected, rows read)."""
    previous, expected, rows = GENESIS, 1, 0
    sha256, dumps = hashlib.sha256, json.dumps
    for row_id, seq, row_hash, at, actor_id, action, entity_type, entity_id, summary, \
            changes in result:
        rows += 1
        if seq != expected:
            return (Finding(seq, row_id, "missing",
                            f"row seq {expected} is missing (deleted?): the next row is "
                            f"seq {seq}, id {row_id}"), previous, expected, rows)
        content = (f"{seq}\x1f{at}\x1f{actor_id}\x1f{_text(action)}\x1f{_text(entity_type)}"
                   f"\x1f{entity_id}\x1f{_text(summary)}\x1f"
                   + ("null" if changes is None else dumps(
                       changes, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                       default=str))).encode()
        if sha256(previous.encode() + content).hexdigest() != row_hash:
            return (Finding(seq, row_id, "edited_or_moved",
                            f"row seq {seq}, id {row_id} does not follow from the row "
                            f"before it: edited, or moved / a row before it changed"),
                    previous, expected, rows)
        previous, expected = row_hash, expected + 1
    return None, previous, expected, rows


@dataclass
class Report:
    rows: int
    head_seq: int
    head_hash: str
    finding: Finding | None


def verify(conn: sa.Connection, events_table: sa.Table, head_table: sa.Table,
           batch: int = 20_000) -> Report:
    """Walk the chain in ``seq`` order, streaming (memory stays bounded), and report the
    first row that does not follow from the one before it."""
    t = events_table
    unchained = conn.execute(sa.select(t.c.id).where(t.c.seq.is_(None))
                             .order_by(t.c.id).limit(1)).scalar()
    if conn.dialect.name == "postgresql":
        moment = sa.func.to_char(sa.func.timezone("UTC", t.c.at), "YYYY-MM-DD HH24:MI:SS.US")
    else:  # SQLite keeps the UTC time as this very text
        moment = sa.type_coerce(t.c.at, sa.String)
    stmt = (sa.select(t.c.id, t.c.seq, t.c.row_hash, moment, t.c.actor_id, t.c.action,
                      t.c.entity_type, t.c.entity_id, t.c.summary, t.c.changes)
            .where(t.c.seq.is_not(None)).order_by(t.c.seq))
    with conn.execution_options(stream_results=True, yield_per=batch).execute(stmt) as result:
        finding, previous, expected, rows = _walk(result)
    head = conn.execute(sa.select(head_table.c.seq, head_table.c.row_hash)
                        .where(head_table.c.id == 1)).first()
    head_seq, head_hash = (head.seq, head.row_hash) if head else (0, GENESIS)
    if finding is None and unchained is not None:
        finding = Finding(None, unchained, "unchained",
                          f"row id {unchained} has no place in the chain (inserted around it)")
    if finding is None and (head_seq, head_hash) != (expected - 1, previous):
        finding = Finding(expected, None, "head_mismatch",
                          f"the chain ends at seq {expected - 1} but its head says "
                          f"seq {head_seq}: the newest rows were deleted or the head altered")
    return Report(rows, head_seq, head_hash, finding)
