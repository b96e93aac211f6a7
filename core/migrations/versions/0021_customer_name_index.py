"""customers: index on name, for the search by part of a name (picker, customer list)

Revision ID: 0021_customer_name_index
Revises: 0020_file_duties
Create Date: 2026-12-06 03:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_customer_name_index'
down_revision = '0020_file_duties'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index('ix_customers_name', ['name'], unique=False)


def downgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_name')
