"""好差评 ratings, one per finished service

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import caller.storage.tables

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ratings',
    sa.Column('pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('hall', sa.String(length=32), nullable=False),
    sa.Column('finish_event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.String(length=8), nullable=False),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('staff', sa.String(length=64), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('rated_at', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_ratings')),
    sa.UniqueConstraint('finish_event_id', name=op.f('uq_ratings_finish_event_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index('ix_ratings_day', ['hall', 'service_day'], unique=False)


def downgrade() -> None:
    op.drop_table('ratings')
