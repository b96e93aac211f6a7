"""customer files: the weekly / quarterly duties and each file's re-checks
(customer_file_duties, customer_file_checks); destruction proposals may be refused
(state 'refused', refused_by_id, refusal_note); users.platform_export, the permission to
export trainees' full ID numbers for the platform (58到家)

Revision ID: 0020_file_duties
Revises: 0019_audit_chain
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil


# revision identifiers, used by Alembic.
revision = '0020_file_duties'
down_revision = '0019_audit_chain'
branch_labels = None
depends_on = None

STATES = "state IN ('proposed', 'destroyed', 'cancelled'{extra})"


def upgrade():
    op.create_table(
        'customer_file_duties',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('done_at', core.timeutil.UTCDateTime(), nullable=True),
        sa.Column('done_by_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=500), server_default='', nullable=False),
        sa.Column('created_at', core.timeutil.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('weekly', 'quarterly')",
                           name=op.f('ck_customer_file_duties_kind_known')),
        sa.ForeignKeyConstraint(['done_by_id'], ['users.id'],
                                name=op.f('fk_customer_file_duties_done_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_file_duties')),
        sa.UniqueConstraint('kind', 'period_start',
                            name=op.f('uq_customer_file_duties_kind_period_start')),
    )
    op.create_index(op.f('ix_customer_file_duties_due_on'), 'customer_file_duties',
                    ['due_on'], unique=False)
    op.create_table(
        'customer_file_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('checked_on', sa.Date(), nullable=False),
        sa.Column('checked_at', core.timeutil.UTCDateTime(), nullable=False),
        sa.Column('checked_by_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=500), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'],
                                name=op.f('fk_customer_file_checks_checked_by_id_users')),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE',
                                name=op.f('fk_customer_file_checks_customer_id_customers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_file_checks')),
    )
    op.create_index('ix_customer_file_checks_customer_day', 'customer_file_checks',
                    ['customer_id', 'checked_on'], unique=False)
    with op.batch_alter_table('customer_destructions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('refusal_note', sa.String(length=500),
                                      server_default='', nullable=False))
        batch_op.create_foreign_key(op.f('fk_customer_destructions_refused_by_id_users'),
                                    'users', ['refused_by_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_customer_destructions_state_known'), type_='check')
        batch_op.create_check_constraint('state_known', STATES.format(extra=", 'refused'"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform_export', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('platform_export')
    op.execute("UPDATE customer_destructions SET state = 'cancelled' WHERE state = 'refused'")
    with op.batch_alter_table('customer_destructions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_customer_destructions_state_known'), type_='check')
        batch_op.create_check_constraint('state_known', STATES.format(extra=""))
        batch_op.drop_constraint(op.f('fk_customer_destructions_refused_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('refusal_note')
        batch_op.drop_column('refused_by_id')
    op.drop_index('ix_customer_file_checks_customer_day', table_name='customer_file_checks')
    op.drop_table('customer_file_checks')
    op.drop_index(op.f('ix_customer_file_duties_due_on'), table_name='customer_file_duties')
    op.drop_table('customer_file_duties')
