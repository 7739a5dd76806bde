"""notices (help requests as tasks, device conditions) and the devices that report themselves; a staff session at
the 咨询台 has no window

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

import caller.storage.tables

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notices',
        sa.Column('id', caller.storage.tables.BigId, nullable=False),
        sa.Column('hall', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('condition', sa.String(length=24), nullable=False),
        sa.Column('note', sa.String(length=64), nullable=True),
        sa.Column('raised_at', caller.storage.tables.UtcDateTime(), nullable=False),
        sa.Column('acknowledged_at', caller.storage.tables.UtcDateTime(), nullable=True),
        sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
        sa.Column('escalated_at', caller.storage.tables.UtcDateTime(), nullable=True),
        sa.Column('cleared_at', caller.storage.tables.UtcDateTime(), nullable=True),
        sa.Column('cleared_by', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    )
    op.create_index('ix_notices_open', 'notices', ['hall', 'cleared_at'], unique=False)
    op.create_table(
        'devices',
        sa.Column('hall', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('last_seen', caller.storage.tables.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('hall', 'name', name=op.f('pk_devices')),
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.alter_column('window', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.alter_column('window', existing_type=sa.Integer(), nullable=False)
    op.drop_table('devices')
    op.drop_index('ix_notices_open', table_name='notices')
    op.drop_table('notices')
