"""satisfaction surveys: follow-up kind 'survey', evaluations from surveys, outbox
messages to a customer (the survey link)

Revision ID: 0016_surveys
Revises: 0015_registration_handovers
Create Date: 2026-12-05 12:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_surveys'
down_revision = '0015_registration_handovers'
branch_labels = None
depends_on = None

FOLLOWUP_KINDS = "kind IN ('phone', 'wechat', 'home_visit', 'partner_booking', 'greeting'{extra})"
EVALUATION_SOURCES = ("source IN ('end_of_service_call', 'mediation', 'supervisor', "
                      "'complaint'{extra})")


def _checks(extra_kind: str, extra_source: str) -> None:
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_followups_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', FOLLOWUP_KINDS.format(extra=extra_kind))
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_evaluations_source_known'), type_='check')
        batch_op.create_check_constraint('source_known',
                                         EVALUATION_SOURCES.format(extra=extra_source))


def upgrade():
    _checks(", 'survey'", ", 'survey'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_customer_id_customers'),
                                    'customers', ['customer_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(
            'one_recipient', '(recipient_id IS NULL) <> (customer_id IS NULL)')


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE customer_id IS NOT NULL")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_one_recipient'), type_='check')
        batch_op.drop_constraint(op.f('fk_outbox_messages_customer_id_customers'),
                                 type_='foreignkey')
        batch_op.drop_column('customer_id')
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=False)
    op.execute("DELETE FROM followups WHERE kind = 'survey'")
    op.execute("DELETE FROM evaluations WHERE source = 'survey'")
    _checks("", "")
