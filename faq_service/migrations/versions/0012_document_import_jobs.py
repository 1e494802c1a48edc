"""The queue of uploaded documents: each console upload is stored as a job (its bytes until the job ends)
and imported by a runner in the background, never while the request waits.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('upload', sa.LargeBinary(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('requested_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_key', sa.String(length=40), nullable=True),
    sa.Column('message_values', sa.JSON(), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=True),
    sa.Column('passages', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=120), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document_import_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_import_job_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('document_import_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_import_job_status'))
    op.drop_table('document_import_job')
