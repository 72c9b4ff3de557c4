"""restock visits

Revision ID: 0b80a0d42e05
Revises: e4cc899a6661
Create Date: 2026-11-30 08:27:12.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0b80a0d42e05'
down_revision = 'e4cc899a6661'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('restock_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('storeroom_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('visited_at', sa.DateTime(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=True),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('added_unrecorded', sa.Integer(), nullable=False),
    sa.Column('flags', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.CheckConstraint('expected >= 0 AND counted >= 0 AND added >= 0 AND added_unrecorded >= 0', name=op.f('ck_restock_visit_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_restock_visit_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_restock_visit_location_id_location')),
    sa.ForeignKeyConstraint(['record_id'], ['stock_record.id'], name=op.f('fk_restock_visit_record_id_stock_record')),
    sa.ForeignKeyConstraint(['storeroom_id'], ['location.id'], name=op.f('fk_restock_visit_storeroom_id_location')),
    sa.ForeignKeyConstraint(['visitor_id'], ['user.id'], name=op.f('fk_restock_visit_visitor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restock_visit')),
    sa.UniqueConstraint('record_id', name=op.f('uq_restock_visit_record_id'))
    )
    with op.batch_alter_table('restock_visit', schema=None) as batch_op:
        batch_op.create_index('ix_restock_visit_location_visited_at', ['location_id', 'visited_at'], unique=False)


def downgrade():
    with op.batch_alter_table('restock_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_restock_visit_location_visited_at')
    op.drop_table('restock_visit')
