"""Matching profiles (匹配画像): a read model of what matching needs to know about each
worker on each of her lines, one row per (worker, line), so that ranking candidates
reads one table instead of joining workers, credentials, locations, evaluations and a
million assignments on every request.

A row holds her facts (status, birth date, 籍贯, dialect, experience, grade), where
she lives, her rating (sum and count of evaluations), when her latest assignment ends
(``last_end_epoch``, for fairness) and ``valid_until``: the last day through which
EVERY credential the line requires is valid (``NULL`` when one is missing; 9999-12-31
when none expires).

The rows are kept in step inside the writing transaction: a session hook sees every
flushed change to a worker, her lines, credentials, location, evaluations or
assignments, and recomputes that worker's rows from the source tables (on PostgreSQL
after locking her worker row, so two transactions touching her recompute one after
the other); a bulk ``UPDATE``/``DELETE`` of those tables through the session is caught
too (:func:`_bulk_write`). Data written around the session (raw SQL, a bulk import, the
benchmark's generator) needs :func:`rebuild` — also ``jiazheng matching
rebuild-profiles``.

Whether a worker is free in a period is NOT kept here: it is read live from
``assignments`` (see :mod:`core.matching.candidates`).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from ..workers.credentials import PLATFORM
from ..workers.models import GRADES, Worker, WorkerCredential, WorkerServiceLine

#: credentials that never expire count as valid through this day
NEVER = dt.date(9999, 12, 31)
#: workers recomputed per statement batch in :func:`rebuild`
CHUNK = 2000
_GRADE_RANK = {g: i for i, g in enumerate(GRADES)}


class MatchingProfile(db.Model):
    """One worker on one of her lines, as matching reads her (a derived read model)."""

    __tablename__ = "matching_profiles"

    # the line first: one line's rows lie together (SQLite stores the table in this
    # key's order, WITHOUT ROWID), so ranking reads one contiguous range
    service_line: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16))
    birth_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    hometown: Mapped[str] = mapped_column(sa.String(64), default="")
    dialect: Mapped[str] = mapped_column(sa.String(32), default="")
    years_experience: Mapped[int] = mapped_column(default=0)
    grade: Mapped[str] = mapped_column(sa.String(16))
    grade_rank: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    district: Mapped[str] = mapped_column(sa.String(32), default="")
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    rating_sum: Mapped[int] = mapped_column(default=0)
    ratings_count: Mapped[int] = mapped_column(default=0)
    last_end_epoch: Mapped[float | None] = mapped_column(sa.Float)
    valid_until: Mapped[dt.date | None] = mapped_column(sa.Date)

    __table_args__ = (
        # PostgreSQL's heap is not kept in key order: a bitmap scan of this index reads
        # one line's workers; SQLite's clustered key does that better without it
        sa.Index("ix_matching_profiles_line", "service_line", "status", "valid_until")
        .ddl_if(dialect="postgresql"),
        {"sqlite_with_rowid": False},
    )


def _epoch(value: dt.datetime | str | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's max() returns the stored text
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.timestamp()


def _rows_for(conn, worker_ids: list[int]) -> list[dict]:
    """The profile rows of these workers, computed from the source tables."""
    from ..followups.models import Evaluation
    from .context import required_kinds
    from .models import Assignment, WorkerLocation

    w, loc = Worker.__table__, WorkerLocation.__table__
    facts = conn.execute(
        sa.select(w.c.id, w.c.name, w.c.status, w.c.birth_date, w.c.hometown, w.c.dialect,
                  w.c.years_experience, w.c.grade, loc.c.district, loc.c.latitude,
                  loc.c.longitude)
        .select_from(w.outerjoin(loc, loc.c.worker_id == w.c.id))
        .where(w.c.id.in_(worker_ids))).mappings().all()
    if not facts:
        return []
    lines = defaultdict(list)
    sl = WorkerServiceLine.__table__
    for wid, line in conn.execute(sa.select(sl.c.worker_id, sl.c.service_line)
                                  .where(sl.c.worker_id.in_(worker_ids))):
        lines[wid].append(line)
    ev = Evaluation.__table__
    ratings = {wid: (int(total or 0), count) for wid, total, count in conn.execute(
        sa.select(ev.c.worker_id, sa.func.sum(ev.c.overall), sa.func.count())
        .where(ev.c.worker_id.in_(worker_ids)).group_by(ev.c.worker_id))}
    a = Assignment.__table__
    last_end = dict(conn.execute(
        sa.select(a.c.worker_id, sa.func.max(a.c.ends_at))
        .where(a.c.worker_id.in_(worker_ids), a.c.kind == "assignment",
               a.c.state != "released").group_by(a.c.worker_id)).all())
    c = WorkerCredential.__table__
    valid = defaultdict(dict)  # worker → kind → last valid day
    for wid, kind, until in conn.execute(
            sa.select(c.c.worker_id, c.c.kind,
                      sa.func.max(sa.func.coalesce(c.c.expires_on, NEVER)))
            .where(c.c.worker_id.in_(worker_ids),
                   sa.or_(c.c.kind != PLATFORM, c.c.certification_status == "certified"))
            .group_by(c.c.worker_id, c.c.kind)):
        valid[wid][kind] = until if isinstance(until, dt.date) else dt.date.fromisoformat(
            str(until)[:10])
    kinds_of = {}
    out = []
    for f in facts:
        total, count = ratings.get(f["id"], (0, 0))
        for line in lines[f["id"]]:
            kinds = kinds_of.setdefault(line, required_kinds(line))
            days = [valid[f["id"]].get(k) for k in kinds]
            out.append({
                "worker_id": f["id"], "service_line": line, "name": f["name"],
                "status": f["status"], "birth_date": f["birth_date"],
                "hometown": f["hometown"] or "", "dialect": f["dialect"] or "",
                "years_experience": f["years_experience"] or 0, "grade": f["grade"],
                "grade_rank": _GRADE_RANK.get(f["grade"], 0), "district": f["district"] or "",
                "latitude": f["latitude"], "longitude": f["longitude"],
                "rating_sum": total, "ratings_count": count,
                "last_end_epoch": _epoch(last_end.get(f["id"])),
                "valid_until": None if None in days else min(days)})
    return out


def refresh(conn, worker_ids) -> None:
    """Recompute the profile rows of these workers (inside the caller's transaction)."""
    ids = sorted({int(i) for i in worker_ids if i is not None})
    if not ids:
        return
    if conn.dialect.name == "postgresql":  # one recompute per worker at a time
        w = Worker.__table__
        conn.execute(sa.select(w.c.id).where(w.c.id.in_(ids)).order_by(w.c.id)
                     .with_for_update())
    table = MatchingProfile.__table__
    conn.execute(table.delete().where(table.c.worker_id.in_(ids)))
    rows = _rows_for(conn, ids)
    if rows:
        conn.execute(table.insert(), rows)


def rebuild(session=None) -> int:
    """Recompute every profile (after a bulk load); returns the rows written."""
    return rebuild_on((session or db.session).connection())


def rebuild_on(conn) -> int:
    """:func:`rebuild` on a connection (the migration that creates the table uses it)."""
    table = MatchingProfile.__table__
    conn.execute(table.delete())
    ids = [r[0] for r in conn.execute(sa.select(Worker.__table__.c.id).order_by(
        Worker.__table__.c.id))]
    written = 0
    for start in range(0, len(ids), CHUNK):
        rows = _rows_for(conn, ids[start:start + CHUNK])
        if rows:
            conn.execute(table.insert(), rows)
        written += len(rows)
    return written


def _touched_workers(session: Session) -> set[int]:
    from ..followups.models import Evaluation
    from .models import Assignment, WorkerLocation

    sources = (WorkerServiceLine, WorkerCredential, WorkerLocation, Evaluation, Assignment)
    out: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Worker):
            out.add(obj.id)
        elif isinstance(obj, sources):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            out.add(obj.worker_id)
            history = sa.inspect(obj).attrs.worker_id.history
            out.update(i for i in history.deleted or () if i is not None)
    return out


def _after_flush(session: Session, _flush_context) -> None:
    ids = _touched_workers(session)
    if ids:
        refresh(session.connection(), ids)


def _worker_column(entity):
    from ..followups.models import Evaluation
    from .models import Assignment, WorkerLocation

    if entity is Worker:
        return Worker.id
    if entity in (WorkerServiceLine, WorkerCredential, WorkerLocation, Evaluation,
                  Assignment):
        return entity.worker_id
    return None


def _bulk_write(state) -> object:
    """A bulk ``UPDATE``/``DELETE`` through the session (``session.execute(sa.update(
    Worker)…)``) flushes no objects, so the flush hook cannot see it: read which workers
    it touches, run it, recompute theirs."""
    if not (state.is_update or state.is_delete):
        return None
    entity = (state.statement.entity_description or {}).get("entity")
    column = _worker_column(entity)
    if column is None:
        return None
    where = state.statement.whereclause
    pick = sa.select(column) if where is None else sa.select(column).where(where)
    ids = set(state.session.execute(pick).scalars())
    result = state.invoke_statement()
    refresh(state.session.connection(), ids)
    return result


def install() -> None:
    """Keep profiles in step with every ORM session's flushes and bulk writes
    (idempotent)."""
    if not sa.event.contains(Session, "after_flush", _after_flush):
        sa.event.listen(Session, "after_flush", _after_flush)
    if not sa.event.contains(Session, "do_orm_execute", _bulk_write):
        sa.event.listen(Session, "do_orm_execute", _bulk_write)
