"""stock ledger: items, recipes, locations, records, movements, balances, idempotency keys

Also seeds the three standard items and the package recipe, so a fresh install can record
stock at once (inventory.catalog.ensure_default_items() does the same for databases emptied
after migrating, such as the PostgreSQL test run).

Revision ID: eb8e33a24283
Revises: 864202195e8d
Create Date: 2026-11-30 08:06:41.381534

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eb8e33a24283'
down_revision = '864202195e8d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_key',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_idempotency_key'))
    )
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('pads_per_unit', sa.Integer(), nullable=True),
    sa.Column('low_stock_threshold', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('supply', 'package')", name=op.f('ck_item_kind_known')),
    sa.CheckConstraint('low_stock_threshold >= 0', name=op.f('ck_item_threshold_not_negative')),
    sa.CheckConstraint('pads_per_unit IS NULL OR pads_per_unit BETWEEN 1 AND 1000', name=op.f('ck_item_pads_per_unit_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('name', name=op.f('uq_item_name'))
    )
    op.create_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('spot', sa.String(length=200), nullable=False),
    sa.Column('target_level', sa.Integer(), nullable=False),
    sa.Column('contact_note', sa.String(length=500), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('storeroom', 'city_hall', 'elementary_school', 'junior_high_school', 'university', 'other')", name=op.f('ck_location_kind_known')),
    sa.CheckConstraint('length(code) BETWEEN 6 AND 8', name=op.f('ck_location_code_length')),
    sa.CheckConstraint('target_level BETWEEN 0 AND 1000000', name=op.f('ck_location_target_level_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location')),
    sa.UniqueConstraint('code', name=op.f('uq_location_code'))
    )
    op.create_table('recipe_component',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_item_id', sa.Integer(), nullable=False),
    sa.Column('component_item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('package_item_id <> component_item_id', name=op.f('ck_recipe_component_not_itself')),
    sa.CheckConstraint('quantity BETWEEN 1 AND 1000', name=op.f('ck_recipe_component_quantity_range')),
    sa.ForeignKeyConstraint(['component_item_id'], ['item.id'], name=op.f('fk_recipe_component_component_item_id_item')),
    sa.ForeignKeyConstraint(['package_item_id'], ['item.id'], name=op.f('fk_recipe_component_package_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipe_component')),
    sa.UniqueConstraint('package_item_id', 'component_item_id', name='uq_recipe_component_package_component')
    )
    op.create_table('stock_level',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('qty >= 0', name=op.f('ck_stock_level_qty_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stock_level_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_stock_level_location_id_location')),
    sa.PrimaryKeyConstraint('location_id', 'item_id', name=op.f('pk_stock_level'))
    )
    op.create_table('stock_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('reverses_record_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(kind = 'reversal') = (reverses_record_id IS NOT NULL)", name=op.f('ck_stock_record_reversal_names_record')),
    sa.CheckConstraint("kind IN ('donation', 'purchase', 'assembly', 'transfer', 'adjustment', 'stocktake', 'reversal', 'restock_visit', 'request')", name=op.f('ck_stock_record_kind_known')),
    sa.CheckConstraint("reason IS NULL OR reason IN ('damaged', 'lost', 'found', 'expired', 'correction', 'stocktake')", name=op.f('ck_stock_record_reason_known')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_stock_record_location_id_location')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_stock_record_recorded_by_user')),
    sa.ForeignKeyConstraint(['reverses_record_id'], ['stock_record.id'], name=op.f('fk_stock_record_reverses_record_id_stock_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_record')),
    sa.UniqueConstraint('reverses_record_id', name=op.f('uq_stock_record_reverses_record_id'))
    )
    with op.batch_alter_table('stock_record', schema=None) as batch_op:
        batch_op.create_index('ix_stock_record_kind_occurred_at', ['kind', 'occurred_at'], unique=False)

    op.create_table('donation',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('donor_name', sa.String(length=100), nullable=False),
    sa.Column('donor_kind', sa.String(length=20), nullable=False),
    sa.CheckConstraint("donor_kind IN ('individual', 'company', 'group', 'school_drive', 'other')", name=op.f('ck_donation_donor_kind_known')),
    sa.ForeignKeyConstraint(['record_id'], ['stock_record.id'], name=op.f('fk_donation_record_id_stock_record')),
    sa.PrimaryKeyConstraint('record_id', name=op.f('pk_donation'))
    )
    op.create_table('purchase',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('vendor', sa.String(length=100), nullable=False),
    sa.Column('funding', sa.String(length=20), nullable=False),
    sa.Column('receipt_number', sa.String(length=50), nullable=False),
    sa.CheckConstraint("funding IN ('grant', 'own_funds', 'other')", name=op.f('ck_purchase_funding_known')),
    sa.ForeignKeyConstraint(['record_id'], ['stock_record.id'], name=op.f('fk_purchase_record_id_stock_record')),
    sa.PrimaryKeyConstraint('record_id', name=op.f('pk_purchase'))
    )
    op.create_table('stock_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.CheckConstraint('expected >= 0 AND counted >= 0', name=op.f('ck_stock_count_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stock_count_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_stock_count_location_id_location')),
    sa.ForeignKeyConstraint(['record_id'], ['stock_record.id'], name=op.f('fk_stock_count_record_id_stock_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_count')),
    sa.UniqueConstraint('record_id', 'item_id', name='uq_stock_count_record_item')
    )
    op.create_table('stock_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('from_location_id', sa.Integer(), nullable=True),
    sa.Column('to_location_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)", name=op.f('ck_stock_movement_reversal_names_movement')),
    sa.CheckConstraint("(kind IN ('receipt_donation', 'receipt_purchase', 'assembly_produce') AND from_location_id IS NULL) OR (kind IN ('assembly_consume', 'consumption', 'mailed', 'handed_over', 'discarded') AND to_location_id IS NULL) OR (kind = 'transfer' AND from_location_id IS NOT NULL AND to_location_id IS NOT NULL) OR kind IN ('adjustment', 'reversal')", name=op.f('ck_stock_movement_sides_match_kind')),
    sa.CheckConstraint("kind IN ('receipt_donation', 'receipt_purchase', 'assembly_consume', 'assembly_produce', 'transfer', 'adjustment', 'consumption', 'mailed', 'handed_over', 'discarded', 'reversal')", name=op.f('ck_stock_movement_kind_known')),
    sa.CheckConstraint('from_location_id IS NOT NULL OR to_location_id IS NOT NULL', name=op.f('ck_stock_movement_has_a_side')),
    sa.CheckConstraint('from_location_id IS NULL OR to_location_id IS NULL OR from_location_id <> to_location_id', name=op.f('ck_stock_movement_sides_differ')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_movement_quantity_positive')),
    sa.ForeignKeyConstraint(['from_location_id'], ['location.id'], name=op.f('fk_stock_movement_from_location_id_location')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stock_movement_item_id_item')),
    sa.ForeignKeyConstraint(['record_id'], ['stock_record.id'], name=op.f('fk_stock_movement_record_id_stock_record')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_stock_movement_recorded_by_user')),
    sa.ForeignKeyConstraint(['reverses_id'], ['stock_movement.id'], name=op.f('fk_stock_movement_reverses_id_stock_movement')),
    sa.ForeignKeyConstraint(['to_location_id'], ['location.id'], name=op.f('fk_stock_movement_to_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movement')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_stock_movement_reverses_id'))
    )
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        # The history page: one location newest first (each side on its own index), with or
        # without a kind; one item; everything.
        batch_op.create_index('ix_stock_movement_from_at', ['from_location_id', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_stock_movement_to_at', ['to_location_id', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_stock_movement_from_kind_at', ['from_location_id', 'kind', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_stock_movement_to_kind_at', ['to_location_id', 'kind', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_stock_movement_item_at', ['item_id', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_stock_movement_occurred_at', ['occurred_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_record_id'), ['record_id'], unique=False)

    op.create_table('purchase_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purchase_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost_yen', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_purchase_line_quantity_positive')),
    sa.CheckConstraint('unit_cost_yen >= 0', name=op.f('ck_purchase_line_unit_cost_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_purchase_line_item_id_item')),
    sa.ForeignKeyConstraint(['purchase_id'], ['purchase.record_id'], name=op.f('fk_purchase_line_purchase_id_purchase')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_line')),
    sa.UniqueConstraint('purchase_id', 'item_id', name='uq_purchase_line_purchase_item')
    )
    _seed_default_items()


# Frozen copy of inventory.catalog.DEFAULT_ITEMS as of this revision.
DEFAULT_ITEMS = (
    dict(name="生理用品パック（約20個入り）", kind="supply", unit="パック", pads_per_unit=20,
         low_stock_threshold=50),
    dict(name="相談窓口チラシ", kind="supply", unit="枚", pads_per_unit=None, low_stock_threshold=100),
    dict(name="配置用パッケージ", kind="package", unit="袋", pads_per_unit=20, low_stock_threshold=30),
)
PACKAGE = "配置用パッケージ"
COMPONENTS = ("生理用品パック（約20個入り）", "相談窓口チラシ")


def _seed_default_items():
    item = sa.table('item', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('kind', sa.String), sa.column('unit', sa.String),
                    sa.column('pads_per_unit', sa.Integer), sa.column('low_stock_threshold', sa.Integer),
                    sa.column('active', sa.Boolean), sa.column('created_at', sa.DateTime))
    component = sa.table('recipe_component', sa.column('package_item_id', sa.Integer),
                         sa.column('component_item_id', sa.Integer), sa.column('quantity', sa.Integer))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(item, [dict(spec, active=True, created_at=now) for spec in DEFAULT_ITEMS])
    conn = op.get_bind()
    ids = dict(conn.execute(sa.select(item.c.name, item.c.id)).all())
    op.bulk_insert(component, [dict(package_item_id=ids[PACKAGE], component_item_id=ids[name],
                                    quantity=1) for name in COMPONENTS])


def downgrade():
    op.drop_table('purchase_line')
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_movement_to_kind_at')
        batch_op.drop_index('ix_stock_movement_to_at')
        batch_op.drop_index('ix_stock_movement_from_at')
        batch_op.drop_index(batch_op.f('ix_stock_movement_record_id'))
        batch_op.drop_index('ix_stock_movement_occurred_at')
        batch_op.drop_index('ix_stock_movement_item_at')
        batch_op.drop_index('ix_stock_movement_from_kind_at')

    op.drop_table('stock_movement')
    op.drop_table('stock_count')
    op.drop_table('purchase')
    op.drop_table('donation')
    with op.batch_alter_table('stock_record', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_record_kind_occurred_at')

    op.drop_table('stock_record')
    op.drop_table('stock_level')
    op.drop_table('recipe_component')
    op.drop_table('location')
    op.drop_table('item')
    op.drop_table('idempotency_key')
