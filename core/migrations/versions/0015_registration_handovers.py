"""registration_handovers: the day's trainee registration sheet handed over (imported) or
recorded as none, for the 16:00 hand-over task and its 17:00 reminder

Revision ID: 0015_registration_handovers
Revises: 0014_placement
Create Date: 2026-12-05 13:20:00

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil


# revision identifiers, used by Alembic.
revision = '0015_registration_handovers'
down_revision = '0014_placement'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('imports', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('first_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('sheet','none')", name=op.f('ck_registration_handovers_kind_known')),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_registration_handovers_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_handovers')),
    sa.UniqueConstraint('day', name=op.f('uq_registration_handovers_day'))
    )


def downgrade():
    op.drop_table('registration_handovers')
