"""remote tickets: tickets.remote / arrived_at / reached_at, and ticket_phones for their reminders

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

from caller.storage.tables import BigId, UtcDateTime

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('arrived_at', UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reached_at', UtcDateTime(), nullable=True))
    op.create_table(
        'ticket_phones',
        sa.Column('ticket_pk', BigId, sa.ForeignKey('tickets.pk'), primary_key=True),
        sa.Column('hall', sa.String(32), nullable=False),
        sa.Column('phone_key', sa.String(32), nullable=False),
        sa.Column('phone', sa.String(11)),
        sa.Column('ahead_sent_at', UtcDateTime()),
        sa.Column('called_sent_at', UtcDateTime()),
    )
    op.create_index('ix_ticket_phones_phone', 'ticket_phones', ['hall', 'phone_key'])


def downgrade() -> None:
    op.drop_table('ticket_phones')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('reached_at')
        batch_op.drop_column('arrived_at')
        batch_op.drop_column('remote')
