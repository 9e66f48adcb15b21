"""Start from an earlier analysis: the link from a new analysis to the earlier one whose content
it was filled in with (issue 16, item 4), and the answers not copied because the current
checklists no longer ask for them.

A table of its own rather than a column on `analysis`, as in 0017: on SQLite a new foreign key
on `analysis` means rebuilding that table, which deletes every row that cascades from it.

Revision ID: 0026
Revises: 0022
Create Date: 2026-12-02 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('analysis_origin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('analysis_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('not_copied', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['analysis.id'], name=op.f('fk_analysis_origin_analysis_id_analysis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['analysis.id'], name=op.f('fk_analysis_origin_source_id_analysis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_analysis_origin_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analysis_origin')),
    sa.UniqueConstraint('analysis_id', name=op.f('uq_analysis_origin_analysis_id'))
    )
    with op.batch_alter_table('analysis_origin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_origin_source_id'), ['source_id'], unique=False)


def downgrade():
    with op.batch_alter_table('analysis_origin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analysis_origin_source_id'))
    op.drop_table('analysis_origin')
