"""Every alternative is compared: it can be the zero option (things stay as they are) or the one
the team recommends, and it holds its effect on each engaged article (strengthens, weakens,
neutral or unknown).

Only new columns with server defaults: existing alternatives are "another alternative", not
recommended, with no effects assessed.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('alternative', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_zero_option', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('is_recommended', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('article_effects', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('alternative', schema=None) as batch_op:
        batch_op.drop_column('article_effects')
        batch_op.drop_column('is_recommended')
        batch_op.drop_column('is_zero_option')
