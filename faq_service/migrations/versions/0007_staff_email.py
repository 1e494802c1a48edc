"""Staff accounts get an optional e-mail address (new-complaint notices go to the complaints officers'
stored addresses). Accounts whose user name is an e-mail address, which were told by that name before,
keep being told: their user name becomes their stored address.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_user') as batch:
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    op.execute("UPDATE staff_user SET email = username WHERE username LIKE '%_@_%._%'")


def downgrade() -> None:
    with op.batch_alter_table('staff_user') as batch:
        batch.drop_column('email')
