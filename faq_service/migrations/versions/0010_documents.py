"""Documents as knowledge: imported files (with their originals), their passages, and the change
counter of both.

Revision ID: 0010
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('original', sa.LargeBinary(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('ocr', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_source_name'), ['source_name'], unique=True)
        batch_op.create_index(batch_op.f('ix_document_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_valid_until'), ['valid_until'], unique=False)

    op.create_table('document_passage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('section', sa.String(length=500), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document_passage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_passage_document_id'), ['document_id'], unique=False)

    documents_state = op.create_table('documents_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(documents_state, [{'id': 1, 'version': 0}])


def downgrade() -> None:
    op.drop_table('documents_state')
    with op.batch_alter_table('document_passage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_passage_document_id'))
    op.drop_table('document_passage')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_valid_until'))
        batch_op.drop_index(batch_op.f('ix_document_status'))
        batch_op.drop_index(batch_op.f('ix_document_source_name'))
        batch_op.drop_index(batch_op.f('ix_document_seq'))
        batch_op.drop_index(batch_op.f('ix_document_content_hash'))
    op.drop_table('document')
