"""Single sign-on with OpenID Connect: a user can be linked to one identity at a provider, its
issuer URL and the stable subject ("sub") the provider gives the person.

Only new nullable columns and a unique index over the pair: existing accounts stay local.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
    # A unique index, not a constraint: SQLite adds it without rebuilding the table (a rebuild
    # would trip over every foreign key to user_account).
    op.create_index(
        'uq_user_account_oidc_identity', 'user_account', ['oidc_issuer', 'oidc_subject'],
        unique=True,
    )


def downgrade():
    op.drop_index('uq_user_account_oidc_identity', table_name='user_account')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
