"""a row per hall that the readiness check writes, to learn whether the database takes writes

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import caller.storage.tables

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'health_probes',
        sa.Column('hall', sa.String(length=32), nullable=False),
        sa.Column('probed_at', caller.storage.tables.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('hall', name=op.f('pk_health_probes')),
    )


def downgrade() -> None:
    op.drop_table('health_probes')
