"""Step text posted after the session had ended, kept for a day to offer back after login

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 03:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unsaved_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('analysis_id', sa.Integer(), nullable=False),
    sa.Column('step_key', sa.String(length=32), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['analysis.id'], name=op.f('fk_unsaved_step_analysis_id_analysis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_unsaved_step_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unsaved_step'))
    )
    with op.batch_alter_table('unsaved_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unsaved_step_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_unsaved_step_token_hash'), ['token_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_unsaved_step_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('unsaved_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unsaved_step_user_id'))
        batch_op.drop_index(batch_op.f('ix_unsaved_step_token_hash'))
        batch_op.drop_index(batch_op.f('ix_unsaved_step_expires_at'))

    op.drop_table('unsaved_step')
