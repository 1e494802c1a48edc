"""The question log's channel is one of web (the chat page), widget (the chat widget on another site),
line (LINE) or api (direct /api/v1/ask calls). Rows logged before carry Rasa's input channel name ("rest"
for the chat page) or whatever a caller sent: they all came through the bot's web chat, so they become
"web". Nothing is lost that a downgrade could restore: the old names said no more than that.

Revision ID: 0008
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

CHANNELS = ("web", "widget", "line", "api")


def upgrade() -> None:
    op.execute(sa.text("UPDATE question_log SET channel = 'web' WHERE channel NOT IN :channels")
               .bindparams(sa.bindparam("channels", value=CHANNELS, expanding=True)))


def downgrade() -> None:
    """The legacy names are not restored (they carried no more than "web")."""
