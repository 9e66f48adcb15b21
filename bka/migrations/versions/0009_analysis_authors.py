"""Authors of an analysis, kept after they leave the team (four eyes at review)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00

"""
from datetime import datetime, timezone
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('analysis_author',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('analysis_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['analysis.id'], name=op.f('fk_analysis_author_analysis_id_analysis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_analysis_author_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analysis_author')),
    sa.UniqueConstraint('analysis_id', 'user_id', name=op.f('uq_analysis_author_analysis_id'))
    )
    with op.batch_alter_table('analysis_author', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_author_user_id'), ['user_id'], unique=False)

    # Backfill from what the database already knows: creators, current owners and editors,
    # everyone in the edit log, and editors added (and perhaps removed) per the audit log.
    bind = op.get_bind()
    found = {}
    analyses = {row[0] for row in bind.execute(sa.text("SELECT id FROM analysis"))}
    for analysis_id, user_id in bind.execute(sa.text("SELECT id, created_by_id FROM analysis")):
        found.setdefault((analysis_id, user_id), "owner")
    for analysis_id, user_id, role in bind.execute(sa.text(
        "SELECT analysis_id, user_id, role FROM membership WHERE role IN ('owner', 'editor')"
    )):
        found.setdefault((analysis_id, user_id), role)
    for analysis_id, user_id in bind.execute(sa.text(
        "SELECT DISTINCT analysis_id, actor_id FROM edit_log"
    )):
        found.setdefault((analysis_id, user_id), "editor")
    users = {email.lower(): user_id for user_id, email in bind.execute(
        sa.text("SELECT id, email FROM user_account")
    )}
    for analysis_id, details in bind.execute(sa.text(
        "SELECT object_id, details FROM audit_event "
        "WHERE action = 'member_added' AND object_type = 'analysis'"
    )):
        details = json.loads(details) if isinstance(details, str) else (details or {})
        user_id = users.get(str(details.get("user", "")).lower())
        if user_id is not None and details.get("role") == "editor" and (
            (analysis_id, user_id) not in found
        ) and analysis_id in analyses:
            found.setdefault((analysis_id, user_id), "editor")
    if found:
        now = datetime.now(timezone.utc)
        table = sa.table('analysis_author', sa.column('analysis_id'), sa.column('user_id'),
                         sa.column('role'), sa.column('recorded_at', sa.DateTime(timezone=True)))
        op.bulk_insert(table, [
            {"analysis_id": a, "user_id": u, "role": role, "recorded_at": now}
            for (a, u), role in sorted(found.items())
        ])


def downgrade():
    with op.batch_alter_table('analysis_author', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analysis_author_user_id'))

    op.drop_table('analysis_author')
