"""users.session_generation: a web session is valid only in the generation it was made
in, so logout, a password or role change and deactivation end every session at once

Revision ID: 0011_session_generation
Revises: 0010_customer_access
Create Date: 2026-12-05 10:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_session_generation'
down_revision = '0010_customer_access'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(),
                                      server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
