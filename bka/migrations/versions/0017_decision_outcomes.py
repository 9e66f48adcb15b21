"""Decision outcomes: återremiss and bordlagt apart, whether the decision follows the conclusion,
and the link from a version opened by a referral back to the analysis it continues

Decisions recorded before this revision keep their outcome keys: "adopted",
"adopted_with_changes" and "rejected" mean what they meant, and "postponed", which used to
cover both a postponement and a referral back, now means a postponement (bordlagt). A referral
back opens a new linked version, which those older decisions never did, so "postponed" is the
only honest reading of them. Their `follows_conclusion` stays empty: nobody was asked.
A postponement now leaves the analysis signed off and waiting for the later decision, so an
analysis still "decided" whose latest decision was "postponed" goes back to "approved", where
that decision can be recorded. (Run `bka overview rebuild` afterwards: the tallies changed too.)

The link is a table of its own rather than a column on `analysis`: on SQLite a new foreign key
on `analysis` means rebuilding that table, and dropping the old one with foreign keys on
deletes every row that cascades from an analysis.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-09 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decision_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follows_conclusion', sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column('follows_conclusion_reason', sa.Text(), nullable=False, server_default='')
        )
    op.create_table('version_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('previous_analysis_id', sa.Integer(), nullable=False),
    sa.Column('next_analysis_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision_record.id'], name=op.f('fk_version_link_decision_id_decision_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['next_analysis_id'], ['analysis.id'], name=op.f('fk_version_link_next_analysis_id_analysis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_analysis_id'], ['analysis.id'], name=op.f('fk_version_link_previous_analysis_id_analysis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_version_link')),
    sa.UniqueConstraint('next_analysis_id', name=op.f('uq_version_link_next_analysis_id'))
    )
    with op.batch_alter_table('version_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_link_previous_analysis_id'), ['previous_analysis_id'], unique=False)
    op.execute(
        "UPDATE analysis SET status = 'approved' WHERE status = 'decided' AND ("
        "SELECT d.outcome FROM decision_record d WHERE d.analysis_id = analysis.id "
        "ORDER BY d.id DESC LIMIT 1) = 'postponed'"
    )


def downgrade():
    # A referral back has no older key: it was recorded as "postponed" before this revision.
    op.execute("UPDATE decision_record SET outcome = 'postponed' WHERE outcome = 'referred_back'")
    op.execute("UPDATE analysis SET status = 'decided' WHERE status = 'referred_back'")
    with op.batch_alter_table('version_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_link_previous_analysis_id'))
    op.drop_table('version_link')
    with op.batch_alter_table('decision_record', schema=None) as batch_op:
        batch_op.drop_column('follows_conclusion_reason')
        batch_op.drop_column('follows_conclusion')
