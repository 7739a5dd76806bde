"""the reason classes of a low rating; one-time codes that pair a window's evaluator tablet

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import caller.storage.tables

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_codes', sa.String(length=128), nullable=True))
    op.create_table(
        'pairing_codes',
        sa.Column('hall', sa.String(length=32), nullable=False),
        sa.Column('window', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', caller.storage.tables.UtcDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('hall', 'window', name=op.f('pk_pairing_codes')),
    )


def downgrade() -> None:
    op.drop_table('pairing_codes')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_column('reason_codes')
