"""tidal advice on windows

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import caller.storage.tables  # noqa: F401 - custom column types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('windows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('advice', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('calm_since', caller.storage.tables.UtcDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('windows', schema=None) as batch_op:
        batch_op.drop_column('calm_since')
        batch_op.drop_column('advice')

