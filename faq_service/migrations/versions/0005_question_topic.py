"""The question log's topic: a neutral name the caller sets (complaints, contact…), so that reports
count questions by what they are about instead of by the bot's intent names. Rows logged before it
get the topic their intent meant.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# The bot's intents as they were named when these rows were logged; the bot now sends the topic itself.
_TOPIC_OF_INTENT = {"ask_complaint_channels": "complaints", "ask_human": "contact"}


def upgrade() -> None:
    with op.batch_alter_table('question_log') as batch:
        batch.add_column(sa.Column('topic', sa.String(length=32), nullable=True))
    for intent, topic in _TOPIC_OF_INTENT.items():
        op.execute(sa.text("UPDATE question_log SET topic = :topic WHERE intent = :intent")
                   .bindparams(topic=topic, intent=intent))


def downgrade() -> None:
    with op.batch_alter_table('question_log') as batch:
        batch.drop_column('topic')
