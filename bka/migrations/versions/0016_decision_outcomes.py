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

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-09 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decision_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follows_conclusion', sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column(
                'follows_conclusion_reason', sa.Text(), nullable=False, server_default=''
            )
        )
    with op.batch_alter_table('analysis', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_version_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_analysis_previous_version_id'), ['previous_version_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_analysis_previous_version_id_analysis'),
            'analysis',
            ['previous_version_id'],
            ['id'],
            ondelete='SET NULL',
        )
    op.execute(
        "UPDATE analysis SET status = 'approved' WHERE status = 'decided' AND ("
        "SELECT d.outcome FROM decision_record d WHERE d.analysis_id = analysis.id "
        "ORDER BY d.id DESC LIMIT 1) = 'postponed'"
    )


def downgrade():
    # A referral back has no older key: it was recorded as "postponed" before this revision.
    op.execute(
        "UPDATE decision_record SET outcome = 'postponed' WHERE outcome = 'referred_back'"
    )
    op.execute("UPDATE analysis SET status = 'decided' WHERE status = 'referred_back'")
    with op.batch_alter_table('analysis', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_analysis_previous_version_id_analysis'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_analysis_previous_version_id'))
        batch_op.drop_column('previous_version_id')
    with op.batch_alter_table('decision_record', schema=None) as batch_op:
        batch_op.drop_column('follows_conclusion_reason')
        batch_op.drop_column('follows_conclusion')
