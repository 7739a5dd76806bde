"""hall_versions: the hall as edited in the back office, every version kept with who made it (undo, audit)

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from caller.storage.tables import UtcDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'hall_versions',
        sa.Column('hall', sa.String(32), primary_key=True),
        sa.Column('version', sa.Integer(), primary_key=True),
        sa.Column('toml', sa.Text(), nullable=False),
        sa.Column('action', sa.String(16), nullable=False),
        sa.Column('author', sa.String(64), nullable=False),
        sa.Column('at', UtcDateTime(), nullable=False),
        sa.Column('note', sa.String(200)),
        sa.Column('file_sha', sa.String(64)),
    )


def downgrade() -> None:
    op.drop_table('hall_versions')
