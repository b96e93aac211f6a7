"""visits: the short follow-up made in the finish-confirmation call, and the service
sheet (上户表) handed back and filed

Revision ID: 0013_visit_sheets
Revises: 0012_kpi_rollups
Create Date: 2026-12-05 12:50:00

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil


# revision identifiers, used by Alembic.
revision = '0013_visit_sheets'
down_revision = '0012_kpi_rollups'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followup_outcome', sa.String(length=16),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('followup_reason', sa.String(length=255),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('sheet_returned_at',
                                      core.timeutil.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sheet_filed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sheet_note', sa.String(length=255),
                                      server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_visits_sheet_returned_at'), ['sheet_returned_at'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_visits_sheet_filed_by_id_users'), 'users',
                                    ['sheet_filed_by_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_visits_followup_outcome_known'),
            "followup_outcome IN ('', 'satisfied', 'not_satisfied')")


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_visits_followup_outcome_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_visits_sheet_filed_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_visits_sheet_returned_at'))
        batch_op.drop_column('sheet_note')
        batch_op.drop_column('sheet_filed_by_id')
        batch_op.drop_column('sheet_returned_at')
        batch_op.drop_column('followup_reason')
        batch_op.drop_column('followup_outcome')
