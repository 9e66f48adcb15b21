"""Participation done well (General Comment 12): per consultation, which of the nine basic
requirements held and a note on them, who was not reached and why, how consent was obtained,
and when and how the children were told what came of their views.

Only new columns on `consultation`. Text columns get an empty server default, so existing rows
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


def downgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_column("feedback_how")
        batch_op.drop_column("feedback_given_on")
        batch_op.drop_column("consent")
        batch_op.drop_column("not_reached")
        batch_op.drop_column("requirements_note")
        batch_op.drop_column("requirements_met")
