"""report_days: each finished day's report figures, so a month's report folds in stored days

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from caller.storage.tables import UtcDateTime

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_days',
        sa.Column('hall', sa.String(32), primary_key=True),
        sa.Column('day', sa.Date(), primary_key=True),
        sa.Column('format', sa.Integer(), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('computed_at', UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('report_days')
