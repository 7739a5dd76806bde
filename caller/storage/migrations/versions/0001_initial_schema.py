"""initial schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import caller.storage.tables

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('number_counters',
    sa.Column('hall', sa.String(length=32), nullable=False),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('prefix', sa.String(length=2), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('hall', 'service_day', 'prefix', name=op.f('pk_number_counters'))
    )
    op.create_table('tickets',
    sa.Column('pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('hall', sa.String(length=32), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('number', sa.String(length=8), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('recalls', sa.Integer(), nullable=False),
    sa.Column('transfers', sa.Integer(), nullable=False),
    sa.Column('issued_at', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.Column('queued_at', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.Column('order_at', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.Column('called_at', caller.storage.tables.UtcDateTime(), nullable=True),
    sa.Column('started_at', caller.storage.tables.UtcDateTime(), nullable=True),
    sa.Column('finished_at', caller.storage.tables.UtcDateTime(), nullable=True),
    sa.Column('no_show_at', caller.storage.tables.UtcDateTime(), nullable=True),
    sa.Column('name_masked', sa.String(length=16), nullable=True),
    sa.Column('id_masked', sa.String(length=24), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_tickets')),
    sa.UniqueConstraint('hall', 'service_day', 'number', name='uq_tickets_day_number'),
    sa.UniqueConstraint('public_id', name=op.f('uq_tickets_public_id'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_queue', ['hall', 'service_day', 'status', 'category', 'order_at'], unique=False)

    op.create_table('tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('hall', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=64), nullable=False),
    sa.Column('created_at', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.Column('revoked_at', caller.storage.tables.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_tokens_token_hash'))
    )
    op.create_table('windows',
    sa.Column('hall', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('ticket_id', sa.String(length=24), nullable=True),
    sa.Column('state_since', caller.storage.tables.UtcDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('hall', 'number', name=op.f('pk_windows'))
    )
    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('hall', sa.String(length=32), nullable=False),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('at', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.Column('ticket_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('number', sa.String(length=8), nullable=True),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_pk'], ['tickets.pk'], name=op.f('fk_events_ticket_pk_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_stream', ['hall', 'service_day', 'id'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('hall', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('ticket_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', caller.storage.tables.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_pk'], ['tickets.pk'], name=op.f('fk_idempotency_keys_ticket_pk_tickets')),
    sa.PrimaryKeyConstraint('hall', 'key', name=op.f('pk_idempotency_keys'))
    )


def downgrade() -> None:
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_stream')

    op.drop_table('events')
    op.drop_table('windows')
    op.drop_table('tokens')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_queue')

    op.drop_table('tickets')
    op.drop_table('number_counters')
