"""complaints: index on (state, received_at) for the desk's closed view and its count

Revision ID: 0017_complaint_desk_index
Revises: 0016_surveys
Create Date: 2026-12-05 13:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017_complaint_desk_index'
down_revision = '0016_surveys'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_state_received', ['state', 'received_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_state_received')
