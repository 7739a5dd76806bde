"""keyed digests of ID numbers for tickets and on appointments: one live ticket per ID and category, real-name booking

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import caller.storage.tables

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ticket_id_keys',
        sa.Column('ticket_pk', caller.storage.tables.BigId, nullable=False),
        sa.Column('id_key', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['ticket_pk'], ['tickets.pk'], name=op.f('fk_ticket_id_keys_ticket_pk_tickets')),
        sa.PrimaryKeyConstraint('ticket_pk', name=op.f('pk_ticket_id_keys')),
    )
    op.create_index('ix_ticket_id_keys_id_key', 'ticket_id_keys', ['id_key'], unique=False)
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('id_masked', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('booked_by', sa.Integer(), nullable=True))
        batch_op.create_index('ix_appointments_id_key', ['id_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_id_key')
        batch_op.drop_column('booked_by')
        batch_op.drop_column('id_masked')
        batch_op.drop_column('id_key')
    op.drop_index('ix_ticket_id_keys_id_key', table_name='ticket_id_keys')
    op.drop_table('ticket_id_keys')
