"""Redactions of stored snapshots: the hash after redaction, next to the hash that was signed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
# The integrator relinks the chain (0013 is another branch's); 0012 is this worktree's head.
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('revision_redaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('original_sha256', sa.String(length=64), nullable=False),
    sa.Column('redacted_sha256', sa.String(length=64), nullable=False),
    sa.Column('audit_event_id', sa.Integer(), nullable=False),
    sa.Column('redacted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_event_id'], ['audit_event.id'], name=op.f('fk_revision_redaction_audit_event_id_audit_event')),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_revision_redaction_revision_id_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revision_redaction'))
    )
    with op.batch_alter_table('revision_redaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_redaction_revision_id'), ['revision_id'], unique=False)


def downgrade():
    with op.batch_alter_table('revision_redaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revision_redaction_revision_id'))

    op.drop_table('revision_redaction')
