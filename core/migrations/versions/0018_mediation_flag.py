"""mediation_cases.flagged_at / flag_reason: a case still unresolved when its order
finished or was cancelled is flagged to the supervisors

Revision ID: 0018_mediation_flag
Revises: 0017_complaint_desk_index
Create Date: 2026-12-05 13:10:00

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil


# revision identifiers, used by Alembic.
revision = '0018_mediation_flag'
down_revision = '0017_complaint_desk_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flagged_at', core.timeutil.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('flag_reason', sa.String(length=255),
                                      server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.drop_column('flag_reason')
        batch_op.drop_column('flagged_at')
