"""followups: complaints (找茬, 一次办不好) and the 整改 of every bad rating, with owner, reply and 回访

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

from caller.storage.tables import BigId, UtcDateTime

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'followups',
        sa.Column('pk', BigId, primary_key=True, autoincrement=True),
        sa.Column('hall', sa.String(32), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('rating_pk', BigId, sa.ForeignKey('ratings.pk'), unique=True),
        sa.Column('case_no', sa.String(40)),
        sa.Column('window', sa.Integer()),
        sa.Column('staff', sa.String(64)),
        sa.Column('what', sa.String(300), nullable=False),
        sa.Column('complainant', sa.String(16)),
        sa.Column('owner', sa.String(64)),
        sa.Column('state', sa.String(12), nullable=False),
        sa.Column('due_day', sa.Date(), nullable=False),
        sa.Column('created_at', UtcDateTime(), nullable=False),
        sa.Column('created_by', sa.String(64), nullable=False),
        sa.Column('replied_at', UtcDateTime()),
        sa.Column('reply', sa.String(300)),
        sa.Column('closed_at', UtcDateTime()),
        sa.Column('callback', sa.String(16)),
        sa.Column('callback_note', sa.String(200)),
    )
    op.create_index('ix_followups_open', 'followups', ['hall', 'state', 'due_day'])


def downgrade() -> None:
    op.drop_table('followups')
