"""counters: sequential numbers (order numbers, contract versions, visit numbers) bumped
under lock, so concurrent creation never collides

Revision ID: 0006_counters
Revises: 0005_matching_profiles
Create Date: 2026-12-05 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_counters'
down_revision = '0005_matching_profiles'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counters',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counters'))
    )


def downgrade():
    op.drop_table('counters')
