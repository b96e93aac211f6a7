"""The audit trail."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from . import chain


class AuditEvent(db.Model):
    """One recorded act: a change (create/update/delete/status) or a read of a confidential
    record. ``changes`` maps field → [old, new]; personal values are stored masked, or as
    the field name only.

    Append-only: ``seq`` and ``row_hash`` place the row in the hash chain
    (:mod:`core.audit.chain`), set when the row is flushed; on PostgreSQL a trigger
    refuses UPDATE and DELETE.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(32), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(sa.String(255), default="")
    changes: Mapped[dict | None] = mapped_column(sa.JSON)
    seq: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    row_hash: Mapped[str | None] = mapped_column(sa.String(64))

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)


class AuditChainHead(db.Model):
    """The newest row of the audit chain (one row, id 1), and the chain's write lock."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    row_hash: Mapped[str] = mapped_column(sa.String(64))


#: PostgreSQL: audit rows cannot be changed or deleted, by any role (TRUNCATE, which
#: only a table owner may run, is left to test teardown and restores).
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
"""
for _ddl in (APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER):
    sa.event.listen(AuditEvent.__table__, "after_create",
                    sa.DDL(_ddl.replace("%", "%%")).execute_if(dialect="postgresql"))


@sa.event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, flush_context, instances) -> None:
    """Give the audit rows about to be inserted their place in the chain, under the
    chain's lock (held until the transaction ends, so writers queue up on one chain)."""
    new = [o for o in session.new if isinstance(o, AuditEvent) and o.seq is None]
    if not new:
        return
    new.sort(key=lambda o: o._sa_instance_state.insert_order or 0)
    conn = session.connection()
    seq, previous = chain.lock_head(conn, AuditEvent.__table__, AuditChainHead.__table__)
    for event in new:
        seq += 1
        if event.at is None:
            event.at = utcnow()
        if event.summary is None:
            event.summary = ""
        event.seq = seq
        event.row_hash = previous = chain.link(previous, chain.canonical(
            seq, event.at, event.actor_id, event.action, event.entity_type, event.entity_id,
            event.summary, event.changes))
    chain.move_head(conn, AuditChainHead.__table__, seq, previous)
