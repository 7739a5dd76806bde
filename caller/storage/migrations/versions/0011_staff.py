"""staff accounts (工号, name, argon2 PIN hash, roles, windows), their counter sessions, and tokens that belong to a
session and expire

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

import caller.storage.tables

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff',
        sa.Column('id', caller.storage.tables.BigId, nullable=False),
        sa.Column('hall', sa.String(length=32), nullable=False),
        sa.Column('staff_no', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('pin_hash', sa.String(length=128), nullable=False),
        sa.Column('roles', sa.String(length=64), nullable=False),
        sa.Column('windows', sa.String(length=128), nullable=False),
        sa.Column('wrong_pins', sa.Integer(), nullable=False),
        sa.Column('locked_until', caller.storage.tables.UtcDateTime(), nullable=True),
        sa.Column('created_at', caller.storage.tables.UtcDateTime(), nullable=False),
        sa.Column('disabled_at', caller.storage.tables.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
        sa.UniqueConstraint('hall', 'staff_no', name='uq_staff_hall_staff_no'),
    )
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_id', caller.storage.tables.BigId, nullable=True))
        batch_op.add_column(sa.Column('expires_at', caller.storage.tables.UtcDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_tokens_staff_id_staff'), 'staff', ['staff_id'], ['id'])
    op.create_table(
        'staff_sessions',
        sa.Column('id', caller.storage.tables.BigId, nullable=False),
        sa.Column('hall', sa.String(length=32), nullable=False),
        sa.Column('staff_id', caller.storage.tables.BigId, nullable=False),
        sa.Column('window', sa.Integer(), nullable=False),
        sa.Column('token_id', caller.storage.tables.BigId, nullable=False),
        sa.Column('started_at', caller.storage.tables.UtcDateTime(), nullable=False),
        sa.Column('ended_at', caller.storage.tables.UtcDateTime(), nullable=True),
        sa.Column('ended_by', sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_sessions_staff_id_staff')),
        sa.ForeignKeyConstraint(['token_id'], ['tokens.id'], name=op.f('fk_staff_sessions_token_id_tokens')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    )
    op.create_index('ix_staff_sessions_staff', 'staff_sessions', ['hall', 'staff_id', 'started_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_staff_sessions_staff', table_name='staff_sessions')
    op.drop_table('staff_sessions')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tokens_staff_id_staff'), type_='foreignkey')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('staff_id')
    op.drop_table('staff')
