"""rating_exports: every rating as sent to the provincial 好差评 platform, with its delivery state and retries

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

from caller.storage.tables import BigId, UtcDateTime

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rating_exports',
        sa.Column('rating_pk', BigId, sa.ForeignKey('ratings.pk'), primary_key=True),
        sa.Column('hall', sa.String(32), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('state', sa.String(8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_at', UtcDateTime(), nullable=False),
        sa.Column('last_error', sa.String(120)),
        sa.Column('sent_at', UtcDateTime()),
    )
    op.create_index('ix_rating_exports_due', 'rating_exports', ['hall', 'state', 'next_at'])


def downgrade() -> None:
    op.drop_table('rating_exports')
