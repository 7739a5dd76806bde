"""appointments (预约) and the hall's shared secrets

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import caller.storage.tables

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('appointments',
    sa.Column('pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('hall', sa.String(length=32), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('slot_start', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.Column('slot_end', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.Column('seat', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('booked_at', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.Column('checked_in_at', caller.storage.tables.UtcDateTime(), nullable=True),
    sa.Column('ticket_id', sa.String(length=24), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_appointments')),
    sa.UniqueConstraint('hall', 'category', 'slot_start', 'seat', name='uq_appointments_seat'),
    sa.UniqueConstraint('public_id', name=op.f('uq_appointments_public_id'))
    )
    op.create_table('hall_secrets',
    sa.Column('hall', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('hall', 'name', name=op.f('pk_hall_secrets'))
    )


def downgrade() -> None:
    op.drop_table('hall_secrets')
    op.drop_table('appointments')
