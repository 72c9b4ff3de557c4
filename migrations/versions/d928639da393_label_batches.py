"""label batches: who printed which labels, for which location, on which sheet

Revision ID: d928639da393
Revises: 0b80a0d42e05
Create Date: 2026-11-30 08:24:14.709042

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd928639da393'
down_revision = '0b80a0d42e05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('label_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('product', sa.String(length=20), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('assembly_record_id', sa.Integer(), nullable=True),
    sa.Column('layout', sa.String(length=20), nullable=False),
    sa.Column('layout_spec', sa.String(length=400), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('skip', sa.Integer(), nullable=False),
    sa.Column('offset_x_tenths', sa.Integer(), nullable=False),
    sa.Column('offset_y_tenths', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("product <> 'placard' OR location_id IS NOT NULL", name=op.f('ck_label_batch_placard_has_location')),
    sa.CheckConstraint("product IN ('package_label', 'leaflet_card', 'placard')", name=op.f('ck_label_batch_product_known')),
    sa.CheckConstraint('count BETWEEN 1 AND 2000', name=op.f('ck_label_batch_count_range')),
    sa.CheckConstraint('skip >= 0', name=op.f('ck_label_batch_skip_not_negative')),
    sa.ForeignKeyConstraint(['assembly_record_id'], ['stock_record.id'], name=op.f('fk_label_batch_assembly_record_id_stock_record')),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_label_batch_created_by_user')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_label_batch_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_label_batch'))
    )
    op.create_index(op.f('ix_label_batch_created_at'), 'label_batch', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_label_batch_created_at'), table_name='label_batch')
    op.drop_table('label_batch')
