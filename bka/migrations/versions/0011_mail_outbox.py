"""Notification e-mail as an outbox: sent by `bka mail send`, with retries

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 01:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mail_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('mail_error', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_mail_due_at'), ['mail_due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_mail_due_at'))
        batch_op.drop_column('mail_error')
        batch_op.drop_column('mail_attempts')
        batch_op.drop_column('mail_due_at')
