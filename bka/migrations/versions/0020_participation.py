"""Participation done well (General Comment 12): per consultation, which of the nine basic
requirements held and a note on them, who was not reached and why, how consent was obtained,
and when and how the children were told what came of their views; a record of feedback to
children in follow-up can name the consultation whose children were told.

Only new columns, on `consultation` and `child_feedback` (SQLite rebuilds `child_feedback`,
which no other table references). Text columns get an empty server default, so existing rows
stay valid; `requirements_met` stays NULL for them: the checklist was not asked when they were
recorded, which the progress rule reads as "not required".

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requirements_met", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(
            sa.Column("requirements_note", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("not_reached", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("consent", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("feedback_given_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("feedback_how", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("child_feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consultation_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_child_feedback_consultation_id"), ["consultation_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_child_feedback_consultation_id_consultation"),
            "consultation",
            ["consultation_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("child_feedback", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_child_feedback_consultation_id_consultation"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_child_feedback_consultation_id"))
        batch_op.drop_column("consultation_id")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_column("feedback_how")
        batch_op.drop_column("feedback_given_on")
        batch_op.drop_column("consent")
        batch_op.drop_column("not_reached")
        batch_op.drop_column("requirements_note")
        batch_op.drop_column("requirements_met")
