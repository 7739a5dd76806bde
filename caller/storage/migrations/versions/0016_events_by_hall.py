"""ix_events_hall: a hall's newest event by (hall, id). Without it, `max(id) WHERE hall = …` walked back over
every newer event of the other halls in a county's database (539 ms on 13 halls' year, tests/bench/county_year.py)

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_hall', ['hall', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_hall')
