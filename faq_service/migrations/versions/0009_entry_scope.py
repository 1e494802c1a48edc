"""An entry's scope: the years, figure and organisation its answer's figures are for (docs/kb-format.md),
so that a question about another year or organisation gets a partial reply, not that figure.

Revision ID: 0009
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('faq_entry') as batch:
        batch.add_column(sa.Column('scope', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('faq_entry') as batch:
        batch.drop_column('scope')
