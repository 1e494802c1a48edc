"""The question log's outcome holds "answered_from_document" (22 characters): the column widens
from 20 to 32.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('question_log') as batch:
        batch.alter_column('outcome', existing_type=sa.String(length=20), type_=sa.String(length=32),
                           existing_nullable=False)


def downgrade() -> None:
    op.execute(sa.text("UPDATE question_log SET outcome = 'answered' WHERE outcome = 'answered_from_document'"))
    with op.batch_alter_table('question_log') as batch:
        batch.alter_column('outcome', existing_type=sa.String(length=32), type_=sa.String(length=20),
                           existing_nullable=False)
