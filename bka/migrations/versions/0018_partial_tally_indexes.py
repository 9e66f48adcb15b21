"""Overview tallies: partial indexes for the reviewer's, dated and breakdown rows; no status index

The reviewer_full grain is gone (tally version 2): `bka overview rebuild` rewrites the rows.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

PARTIAL = {
    'ix_overview_tally_reviewer': (
        ['grain', 'reviewer_id', 'organisation', 'year', 'decision_area', 'status', 'metric', 'key', 'n'],
        "grain = 'dated_reviewer_full'",
    ),
    'ix_overview_tally_dated': (['grain', 'metric', 'key', 'organisation', 'n'], "grain = 'dated_organisation'"),
    'ix_overview_tally_metric': (
        ['grain', 'metric', 'organisation', 'year', 'decision_area', 'status', 'n'],
        "metric = 'analyses'",
    ),
}
STATUS = ('ix_overview_tally_status', ['grain', 'status', 'organisation', 'year', 'metric', 'key', 'n'])


def upgrade():
    op.drop_index(STATUS[0], table_name='overview_tally')
    for name, (columns, where) in PARTIAL.items():
        op.drop_index(name, table_name='overview_tally')
        op.create_index(
            name,
            'overview_tally',
            columns,
            unique=False,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade():
    for name, (columns, _where) in PARTIAL.items():
        op.drop_index(name, table_name='overview_tally')
        op.create_index(name, 'overview_tally', columns, unique=False)
    op.create_index(STATUS[0], 'overview_tally', STATUS[1], unique=False)
