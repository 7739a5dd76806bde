"""phone_codes: SMS verification codes for the public phone pages (digests only), with their tries

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

from caller.storage.tables import BigId, UtcDateTime

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'phone_codes',
        sa.Column('id', BigId, primary_key=True, autoincrement=True),
        sa.Column('hall', sa.String(32), nullable=False),
        sa.Column('phone_key', sa.String(32), nullable=False),
        sa.Column('code_key', sa.String(32), nullable=False),
        sa.Column('sent_at', UtcDateTime(), nullable=False),
        sa.Column('expires_at', UtcDateTime(), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('used_at', UtcDateTime()),
    )
    op.create_index('ix_phone_codes_phone', 'phone_codes', ['hall', 'phone_key', 'sent_at'])


def downgrade() -> None:
    op.drop_table('phone_codes')
