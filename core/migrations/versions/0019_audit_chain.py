"""audit trail append-only: rows hash-chained (seq, row_hash, audit_chain_head), customer
diffs written before keep field names only, PostgreSQL trigger refusing UPDATE/DELETE;
an index for the access check's grants query

Revision ID: 0019_audit_chain
Revises: 0018_mediation_flag
Create Date: 2026-12-05 12:40:00

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil
from core.audit import chain
from core.audit.models import APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER
from core.audit.service import withhold_personal

# revision identifiers, used by Alembic.
revision = '0019_audit_chain'
down_revision = '0018_mediation_flag'
branch_labels = None
depends_on = None


def _tables():
    meta = sa.MetaData()
    events = sa.Table(
        "audit_events", meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", core.timeutil.UTCDateTime()),
        sa.Column("actor_id", sa.Integer), sa.Column("action", sa.String(32)),
        sa.Column("entity_type", sa.String(32)), sa.Column("entity_id", sa.Integer),
        sa.Column("summary", sa.String(255)), sa.Column("changes", sa.JSON),
        sa.Column("seq", sa.BigInteger), sa.Column("row_hash", sa.String(64)))
    head = sa.Table("audit_chain_head", meta,
                    sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("seq", sa.BigInteger), sa.Column("row_hash", sa.String(64)))
    return events, head


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_seq'), ['seq'])
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('row_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )

    # the rows written so far: customer diffs lose their personal values, then every
    # row takes its place in the chain, oldest first
    conn = op.get_bind()
    events, head = _tables()
    seq, previous = 0, chain.GENESIS
    rows = conn.execute(sa.select(events).order_by(events.c.id)).all()
    for r in rows:
        changes = r.changes
        if r.entity_type == "customer" and changes:
            changes = withhold_personal(changes)
        seq += 1
        at = r.at or core.timeutil.utcnow()
        previous = chain.link(previous, chain.canonical(
            seq, at, r.actor_id, r.action, r.entity_type, r.entity_id, r.summary or "",
            changes))
        conn.execute(sa.update(events).where(events.c.id == r.id).values(
            seq=seq, row_hash=previous, changes=changes, at=at, summary=r.summary or ""))
    conn.execute(sa.insert(head).values(id=1, seq=seq, row_hash=previous))

    # the access check's grants query (a reader's grants in force)
    op.create_index("ix_customer_access_requests_in_force", "customer_access_requests",
                    ["requester_id", "state", "expires_at"])

    if conn.dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    op.drop_index("ix_customer_access_requests_in_force",
                  table_name="customer_access_requests")
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_seq'), type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('seq')
