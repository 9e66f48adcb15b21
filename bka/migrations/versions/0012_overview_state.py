"""Overview state: the tally version behind the overview tallies

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 00:45:31.711899

The table starts empty. With no analyses, empty tallies are current whatever the version; a
database that already has analyses has no record of which code computed its tallies, so the
application warns until `bka overview rebuild` has run once and written its version here.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('overview_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tally_version', sa.Integer(), nullable=False),
    sa.Column('rebuilt_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overview_state'))
    )


def downgrade():
    op.drop_table('overview_state')
