"""Audit log: keyed (HMAC) chain with a signed head, source address and user agent, counted
repeated denials

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_address', sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column('user_agent', sa.String(length=200), nullable=True))
        # 0: SHA-256 of the content (events written before this migration); 1: HMAC-SHA-256.
        batch_op.add_column(sa.Column('scheme', sa.Integer(), nullable=False, server_default='0'))

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('audit_denial',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_key', sa.String(length=80), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_denial')),
    sa.UniqueConstraint('actor_key', name=op.f('uq_audit_denial_actor_key'))
    )

    # The head starts where the existing chain ends; the app signs it at the next event.
    bind = op.get_bind()
    count = bind.execute(sa.text("SELECT COUNT(*) FROM audit_event")).scalar() or 0
    last = bind.execute(
        sa.text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")
    ).first()
    head = sa.table('audit_head', sa.column('id'), sa.column('count'), sa.column('last_id'),
                    sa.column('last_hash'), sa.column('mac'))
    op.bulk_insert(head, [{
        "id": 1, "count": count, "last_id": last[0] if last else 0,
        "last_hash": last[1] if last else "0" * 64, "mac": "",
    }])


def downgrade():
    op.drop_table('audit_denial')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('scheme')
        batch_op.drop_column('user_agent')
        batch_op.drop_column('source_address')
