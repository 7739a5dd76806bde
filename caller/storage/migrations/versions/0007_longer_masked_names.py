"""room for long names: the masked name holds as many characters as the API accepts (64)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite copies the table to change a column (migrate() turns its foreign keys off meanwhile)
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.alter_column('name_masked', type_=sa.String(length=64), existing_type=sa.String(length=16))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.alter_column('name_masked', type_=sa.String(length=16), existing_type=sa.String(length=64))
