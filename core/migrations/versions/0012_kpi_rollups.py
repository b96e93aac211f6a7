"""kpi_rollups / kpi_rollup_months: the monthly KPI roll-up the dashboard reads

Revision ID: 0012_kpi_rollups
Revises: 0011_session_generation
Create Date: 2026-12-05 12:50:00

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '0012_kpi_rollups'
down_revision = '0011_session_generation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kpi_rollup_months',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('computed_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_kpi_rollup_months'))
    )
    op.create_table('kpi_rollups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('grouping', sa.String(length=12), nullable=False),
    sa.Column('dispatcher_id', sa.Integer(), nullable=True),
    sa.Column('service_line', sa.String(length=32), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.BigInteger(), nullable=True),
    sa.Column('denominator', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("grouping IN ('desk', 'dispatcher', 'line', 'pair')", name=op.f('ck_kpi_rollups_grouping_known')),
    sa.ForeignKeyConstraint(['month'], ['kpi_rollup_months.month'], name=op.f('fk_kpi_rollups_month_kpi_rollup_months'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_rollups'))
    )
    with op.batch_alter_table('kpi_rollups', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_rollups_month_grouping', ['month', 'grouping'], unique=False)


def downgrade():
    with op.batch_alter_table('kpi_rollups', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_rollups_month_grouping')
    op.drop_table('kpi_rollups')
    op.drop_table('kpi_rollup_months')
