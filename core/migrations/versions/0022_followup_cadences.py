"""followup_cadences, followup_cadence_versions, followup_cadence_pins: the company's own
days and channels of each line's follow-up rules, versioned, and the version each order's
follow-ups are planned with (orders already planned are pinned to the plugin's rules)

Revision ID: 0022_followup_cadences
Revises: 0021_customer_name_index
Create Date: 2026-12-06 13:30:00

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil


# revision identifiers, used by Alembic.
revision = '0022_followup_cadences'
down_revision = '0021_customer_name_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('followup_cadences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_line', sa.String(length=32), nullable=False),
    sa.Column('overrides', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_followup_cadences_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_cadences')),
    sa.UniqueConstraint('service_line', name=op.f('uq_followup_cadences_service_line'))
    )
    op.create_table('followup_cadence_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_line', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('overrides', sa.JSON(), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('saved_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_followup_cadence_versions_saved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_cadence_versions')),
    sa.UniqueConstraint('service_line', 'version', name='uq_followup_cadence_versions_line_version')
    )
    op.create_table('followup_cadence_pins',
    sa.Column('order_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_followup_cadence_pins_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_followup_cadence_pins'))
    )
    # the orders planned so far were planned with their plugins' rules (version 0)
    op.execute("INSERT INTO followup_cadence_pins (order_id, version) "
               "SELECT DISTINCT order_id, 0 FROM followups WHERE order_id IS NOT NULL")


def downgrade():
    op.drop_table('followup_cadence_pins')
    op.drop_table('followup_cadence_versions')
    op.drop_table('followup_cadences')
