"""Decline examples added by staff from the review console; joins the two heads (0002, 0003).

Revision ID: 0004
Revises: 0002, 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = ('0002', '0003')
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('decline_example',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=40), nullable=True),
    sa.Column('added_by', sa.String(length=80), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_by', sa.String(length=80), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_decline_example_seq'), 'decline_example', ['seq'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_decline_example_seq'), table_name='decline_example')
    op.drop_table('decline_example')
