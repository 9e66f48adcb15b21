"""Retention (gallring) per organisation: the number of years after closing that an analysis is
kept before `bka retention --apply` exports and removes it. NULL: keep (no retention rule).

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-02 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('organisation_profile', schema=None) as batch_op:
        batch_op.drop_column('retention_years')
