"""a graduated trainee's worker is a foreign key

Revision ID: 0004_trainee_worker_fk
Revises: 0003_internships_locations
Create Date: 2026-11-22 10:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004_trainee_worker_fk'
down_revision = '0003_internships_locations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.create_foreign_key(op.f('fk_trainees_worker_id_workers'), 'workers',
                                    ['worker_id'], ['id'])


def downgrade():
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_trainees_worker_id_workers'), type_='foreignkey')
