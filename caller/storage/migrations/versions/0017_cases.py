"""cases (办件) after the ticket, their history (交接记录, the back office's progress) and their text messages

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from caller.storage.tables import BigId, UtcDateTime

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'cases',
        sa.Column('pk', BigId, primary_key=True, autoincrement=True),
        sa.Column('hall', sa.String(32), nullable=False),
        sa.Column('case_no', sa.String(40), nullable=False),
        sa.Column('ticket_pk', BigId, sa.ForeignKey('tickets.pk')),
        sa.Column('category', sa.String(32), nullable=False),
        sa.Column('matter', sa.String(64), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('state', sa.String(16), nullable=False),
        sa.Column('limit_days', sa.Integer()),
        sa.Column('received_at', UtcDateTime(), nullable=False),
        sa.Column('received_day', sa.Date(), nullable=False),
        sa.Column('due_day', sa.Date()),
        sa.Column('received_by', sa.String(64), nullable=False),
        sa.Column('window', sa.Integer()),
        sa.Column('department', sa.String(64)),
        sa.Column('updated_at', UtcDateTime(), nullable=False),
        sa.Column('decided_at', UtcDateTime()),
        sa.Column('closed_at', UtcDateTime()),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('id_key', sa.String(32)),
        sa.Column('pickup_key', sa.String(32)),
        sa.Column('pickup_ticket_pk', BigId, sa.ForeignKey('tickets.pk')),
        sa.Column('receiver_masked', sa.String(24)),
        sa.Column('mailed_to', sa.String(64)),
        sa.Column('phone', sa.String(11)),
        sa.UniqueConstraint('hall', 'case_no', name='uq_cases_number'),
    )
    op.create_index('ix_cases_open', 'cases', ['hall', 'closed_at', 'due_day'])
    op.create_index('ix_cases_id_key', 'cases', ['id_key'])
    op.create_index('ix_cases_pickup_key', 'cases', ['pickup_key'])
    op.create_table(
        'sms_outbox',
        sa.Column('id', BigId, primary_key=True, autoincrement=True),
        sa.Column('hall', sa.String(32), nullable=False),
        sa.Column('case_pk', BigId, sa.ForeignKey('cases.pk'), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('text', sa.String(300), nullable=False),
        sa.Column('state', sa.String(8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_at', UtcDateTime(), nullable=False),
        sa.Column('last_error', sa.String(120)),
        sa.Column('created_at', UtcDateTime(), nullable=False),
        sa.Column('sent_at', UtcDateTime()),
    )
    op.create_index('ix_sms_outbox_due', 'sms_outbox', ['hall', 'state', 'next_at'])
    op.create_table(
        'case_events',
        sa.Column('id', BigId, primary_key=True, autoincrement=True),
        sa.Column('case_pk', BigId, sa.ForeignKey('cases.pk'), nullable=False),
        sa.Column('at', UtcDateTime(), nullable=False),
        sa.Column('state', sa.String(16), nullable=False),
        sa.Column('actor', sa.String(64), nullable=False),
        sa.Column('note', sa.String(200)),
    )
    op.create_index('ix_case_events_case', 'case_events', ['case_pk', 'id'])


def downgrade() -> None:
    op.drop_table('case_events')
    op.drop_table('sms_outbox')
    op.drop_table('cases')
