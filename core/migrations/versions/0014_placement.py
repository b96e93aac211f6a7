"""placing a worker (上单): willingness, profile-card sendings, versioned service-agreement
texts and the agreements signed

Revision ID: 0014_placement
Revises: 0013_visit_sheets
Create Date: 2026-12-05 13:20:00

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil


# revision identifiers, used by Alembic.
revision = '0014_placement'
down_revision = '0013_visit_sheets'
branch_labels = None
depends_on = None

TS = core.timeutil.UTCDateTime(timezone=True)


def upgrade():
    op.create_table('placement_willingness',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('willing', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('recorded_at', TS, nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_placement_willingness_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_placement_willingness_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_placement_willingness_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_willingness'))
    )
    with op.batch_alter_table('placement_willingness', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_willingness_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_willingness_worker_id'), ['worker_id'], unique=False)

    op.create_table('placement_profile_sendings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('sent_at', TS, nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.CheckConstraint("channel IN ('wechat', 'sms', 'email', 'printed')", name=op.f('ck_placement_profile_sendings_channel_known')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_placement_profile_sendings_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_placement_profile_sendings_sent_by_id_users')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_placement_profile_sendings_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_profile_sendings'))
    )
    with op.batch_alter_table('placement_profile_sendings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_profile_sendings_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_profile_sendings_worker_id'), ['worker_id'], unique=False)

    op.create_table('agreement_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_line', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=120), nullable=False),
    sa.Column('title_en', sa.String(length=160), nullable=False),
    sa.Column('body_zh', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('version >= 1', name=op.f('ck_agreement_templates_version_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_agreement_templates_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_templates')),
    sa.UniqueConstraint('service_line', 'version', name='uq_agreement_templates_line_version')
    )
    with op.batch_alter_table('agreement_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_templates_service_line'), ['service_line'], unique=False)

    op.create_table('service_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('signed_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.String(length=255), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'signed', 'void')", name=op.f('ck_service_agreements_status_known')),
    sa.CheckConstraint("status <> 'signed' OR signed_on IS NOT NULL", name=op.f('ck_service_agreements_signed_has_date')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_service_agreements_created_by_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_service_agreements_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_recorded_by_id'], ['users.id'], name=op.f('fk_service_agreements_signed_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['template_id'], ['agreement_templates.id'], name=op.f('fk_service_agreements_template_id_agreement_templates')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_service_agreements_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_agreements'))
    )
    with op.batch_alter_table('service_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_agreements_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_agreements_worker_id'), ['worker_id'], unique=False)


def downgrade():
    op.drop_table('service_agreements')
    op.drop_table('agreement_templates')
    op.drop_table('placement_profile_sendings')
    op.drop_table('placement_willingness')
