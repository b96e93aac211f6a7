"""holiday_schedules: official holiday schedules (放假安排) entered by an administrator,
one row per version of a year

Revision ID: 0008_holiday_schedules
Revises: 0007_quality_reports
Create Date: 2026-12-05 10:30:00

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil


# revision identifiers, used by Alembic.
revision = '0008_holiday_schedules'
down_revision = '0007_quality_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holiday_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('days_off', sa.JSON(), nullable=False),
    sa.Column('make_up_days', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('moved', sa.JSON(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_holiday_schedules_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_schedules')),
    sa.UniqueConstraint('year', 'version', name=op.f('uq_holiday_schedules_year_version'))
    )
    with op.batch_alter_table('holiday_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_schedules_year'), ['year'], unique=False)


def downgrade():
    with op.batch_alter_table('holiday_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holiday_schedules_year'))
    op.drop_table('holiday_schedules')
