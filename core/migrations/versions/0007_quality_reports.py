"""Quality checks (质检) and reports: standards, samples, checks, PK weights, monthly
reports, supervisors' tasks; the quality role; indexes the KPI queries use.

Revision ID: 0007_quality_reports
Revises: 0006_counters
Create Date: 2026-12-05 09:20:17.825634

"""
from alembic import op
import sqlalchemy as sa

import core.timeutil  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '0007_quality_reports'
down_revision = '0006_counters'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role_known'), type_='check')
        batch_op.create_check_constraint(
            'role_known', "role IN ('admin','supervisor','dispatcher','trainer','finance',"
            "'quality')")

    op.create_table('kpi_weights',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('updated_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('weight BETWEEN 0 AND 100', name=op.f('ck_kpi_weights_weight_percent')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_kpi_weights_updated_by_id_users')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_kpi_weights'))
    )
    op.create_table('monthly_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('generated_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('generated_by_id', sa.Integer(), nullable=True),
    sa.Column('generations', sa.Integer(), nullable=False),
    sa.Column('announced_at', core.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['generated_by_id'], ['users.id'], name=op.f('fk_monthly_reports_generated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_reports')),
    sa.UniqueConstraint('month', name=op.f('uq_monthly_reports_month'))
    )
    op.create_table('quality_standards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('followup_call', 'complaint_handling', 'order_entry')", name=op.f('ck_quality_standards_kind_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quality_standards_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_standards')),
    sa.UniqueConstraint('kind', 'version', name='uq_quality_standards_kind_version')
    )
    op.create_table('supervisor_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', core.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('monthly_plan')", name=op.f('ck_supervisor_tasks_kind_known')),
    sa.CheckConstraint("state IN ('pending', 'done')", name=op.f('ck_supervisor_tasks_state_known')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_supervisor_tasks_done_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervisor_tasks')),
    sa.UniqueConstraint('kind', 'month', name='uq_supervisor_tasks_kind_month')
    )
    op.create_table('quality_samples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('per_dispatcher', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('dispatcher_ids', sa.JSON(), nullable=True),
    sa.Column('created_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('followup_call', 'complaint_handling', 'order_entry')", name=op.f('ck_quality_samples_kind_known')),
    sa.CheckConstraint('per_dispatcher BETWEEN 1 AND 200', name=op.f('ck_quality_samples_size_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quality_samples_created_by_id_users')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_quality_samples_reviewer_id_users')),
    sa.ForeignKeyConstraint(['standard_id'], ['quality_standards.id'], name=op.f('fk_quality_samples_standard_id_quality_standards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_samples'))
    )
    op.create_table('quality_standard_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=120), nullable=False),
    sa.Column('title_en', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_score BETWEEN 1 AND 100', name=op.f('ck_quality_standard_items_max_score_range')),
    sa.CheckConstraint('weight BETWEEN 1 AND 100', name=op.f('ck_quality_standard_items_weight_percent')),
    sa.ForeignKeyConstraint(['standard_id'], ['quality_standards.id'], name=op.f('fk_quality_standard_items_standard_id_quality_standards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_standard_items'))
    )
    with op.batch_alter_table('quality_standard_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_standard_items_standard_id'), ['standard_id'], unique=False)

    op.create_table('quality_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('dispatcher_id', sa.Integer(), nullable=False),
    sa.Column('service_line', sa.String(length=32), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('review_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('entry_accurate', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('scored_at', core.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('appeal_reason', sa.Text(), nullable=False),
    sa.Column('appealed_at', core.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('appeal_outcome', sa.String(length=12), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', core.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', core.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("appeal_outcome IS NULL OR appeal_outcome IN ('upheld', 'changed')", name=op.f('ck_quality_checks_appeal_outcome_known')),
    sa.CheckConstraint("kind IN ('followup_call', 'complaint_handling', 'order_entry')", name=op.f('ck_quality_checks_kind_known')),
    sa.CheckConstraint("state IN ('pending', 'scored', 'appealed', 'decided')", name=op.f('ck_quality_checks_state_known')),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 0 AND 100', name=op.f('ck_quality_checks_score_range')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_quality_checks_decided_by_id_users')),
    sa.ForeignKeyConstraint(['dispatcher_id'], ['users.id'], name=op.f('fk_quality_checks_dispatcher_id_users')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_quality_checks_reviewer_id_users')),
    sa.ForeignKeyConstraint(['sample_id'], ['quality_samples.id'], name=op.f('fk_quality_checks_sample_id_quality_samples'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['standard_id'], ['quality_standards.id'], name=op.f('fk_quality_checks_standard_id_quality_standards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_checks')),
    sa.UniqueConstraint('kind', 'record_id', name='uq_quality_checks_record')
    )
    with op.batch_alter_table('quality_checks', schema=None) as batch_op:
        batch_op.create_index('ix_quality_checks_month_dispatcher', ['month', 'dispatcher_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_checks_sample_id'), ['sample_id'], unique=False)

    op.create_table('quality_check_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=8), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.CheckConstraint("phase IN ('review', 'appeal')", name=op.f('ck_quality_check_scores_phase_known')),
    sa.CheckConstraint('score >= 0', name=op.f('ck_quality_check_scores_score_not_negative')),
    sa.ForeignKeyConstraint(['check_id'], ['quality_checks.id'], name=op.f('fk_quality_check_scores_check_id_quality_checks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['quality_standard_items.id'], name=op.f('fk_quality_check_scores_item_id_quality_standard_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_check_scores')),
    sa.UniqueConstraint('check_id', 'item_id', 'phase', name='uq_quality_check_scores')
    )
    with op.batch_alter_table('quality_check_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_check_scores_check_id'), ['check_id'], unique=False)

    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index('ix_evaluations_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('followup_outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_followup_outcomes_recorded_at', ['recorded_at'], unique=False)

    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index('ix_followups_completed_at', ['completed_at'], unique=False)

    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.create_index('ix_mediation_cases_opened_at', ['opened_at'], unique=False)

    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index('ix_order_events_kind_at', ['kind', 'at'], unique=False)



def downgrade():
    op.execute("UPDATE users SET active = false, role = 'dispatcher' WHERE role = 'quality'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role_known'), type_='check')
        batch_op.create_check_constraint(
            'role_known', "role IN ('admin','supervisor','dispatcher','trainer','finance')")

    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index('ix_order_events_kind_at')

    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_mediation_cases_opened_at')

    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_completed_at')

    with op.batch_alter_table('followup_outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_followup_outcomes_recorded_at')

    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluations_created_at')

    with op.batch_alter_table('quality_check_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_check_scores_check_id'))

    op.drop_table('quality_check_scores')
    with op.batch_alter_table('quality_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_checks_sample_id'))
        batch_op.drop_index('ix_quality_checks_month_dispatcher')

    op.drop_table('quality_checks')
    with op.batch_alter_table('quality_standard_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_standard_items_standard_id'))

    op.drop_table('quality_standard_items')
    op.drop_table('quality_samples')
    op.drop_table('supervisor_tasks')
    op.drop_table('quality_standards')
    op.drop_table('monthly_reports')
    op.drop_table('kpi_weights')
