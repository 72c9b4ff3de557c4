"""requests and personal data

School refills and packs for individuals (pack_request); names and addresses in their own table
(request_personal_data, deleted on schedule); the access log of personal data; school links; the
public form's rate limit; the once-a-day task row.

Revision ID: eaf56cd5ead9
Revises: 740b5b54f891
Create Date: 2026-11-30 08:37:33.479071

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eaf56cd5ead9'
down_revision = '740b5b54f891'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('daily_task',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_run_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_daily_task'))
    )
    op.create_table('public_request_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_key', sa.String(length=64), nullable=False),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_request_attempt'))
    )
    with op.batch_alter_table('public_request_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_public_request_attempt_key_at', ['address_key', 'attempted_at'], unique=False)

    op.create_table('school_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_school_link_location_id_location')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_school_link_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_link')),
    sa.UniqueConstraint('user_id', 'location_id', name='uq_school_link_user_location')
    )
    with op.batch_alter_table('school_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_link_location_id'), ['location_id'], unique=False)

    op.create_table('pack_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('delivery', sa.String(length=12), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('needed_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('planned_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('personal_data_purged_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(status IN ('fulfilled', 'cancelled')) = (closed_at IS NOT NULL)", name=op.f('ck_pack_request_closed_has_time')),
    sa.CheckConstraint("channel IN ('phone', 'line', 'email', 'web', 'cafe', 'in_person', 'school')", name=op.f('ck_pack_request_channel_known')),
    sa.CheckConstraint("delivery IS NULL OR delivery IN ('mail', 'office', 'cafe', 'pickup', 'visit', 'delivery')", name=op.f('ck_pack_request_delivery_known')),
    sa.CheckConstraint("kind = 'refill' OR delivery IS NOT NULL", name=op.f('ck_pack_request_person_has_delivery')),
    sa.CheckConstraint("kind IN ('refill', 'individual')", name=op.f('ck_pack_request_kind_known')),
    sa.CheckConstraint("status IN ('new', 'planned', 'fulfilled', 'cancelled')", name=op.f('ck_pack_request_status_known')),
    sa.CheckConstraint('quantity BETWEEN 1 AND 500', name=op.f('ck_pack_request_quantity_range')),
    sa.ForeignKeyConstraint(['closed_by'], ['user.id'], name=op.f('fk_pack_request_closed_by_user')),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_pack_request_created_by_user')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_pack_request_location_id_location')),
    sa.ForeignKeyConstraint(['record_id'], ['stock_record.id'], name=op.f('fk_pack_request_record_id_stock_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pack_request'))
    )
    with op.batch_alter_table('pack_request', schema=None) as batch_op:
        batch_op.create_index('ix_pack_request_location_created_at', ['location_id', 'created_at'], unique=False)
        batch_op.create_index('ix_pack_request_status_created_at', ['status', 'created_at'], unique=False)

    op.create_table('personal_data_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('accessed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('view', 'address_label')", name=op.f('ck_personal_data_access_action_known')),
    sa.ForeignKeyConstraint(['request_id'], ['pack_request.id'], name=op.f('fk_personal_data_access_request_id_pack_request')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_personal_data_access_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_access'))
    )
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_data_access_accessed_at'), ['accessed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_access_request_id'), ['request_id'], unique=False)

    # Personal data apart from the request: deleting a row is the purge; the request stays.
    op.create_table('request_personal_data',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('recipient_name', sa.String(length=50), nullable=False),
    sa.Column('postal_code', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=120), nullable=False),
    sa.Column('address2', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['pack_request.id'], name=op.f('fk_request_personal_data_request_id_pack_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', name=op.f('pk_request_personal_data'))
    )


def downgrade():
    op.drop_table('request_personal_data')
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_data_access_request_id'))
        batch_op.drop_index(batch_op.f('ix_personal_data_access_accessed_at'))

    op.drop_table('personal_data_access')
    with op.batch_alter_table('pack_request', schema=None) as batch_op:
        batch_op.drop_index('ix_pack_request_status_created_at')
        batch_op.drop_index('ix_pack_request_location_created_at')

    op.drop_table('pack_request')
    with op.batch_alter_table('school_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_link_location_id'))

    op.drop_table('school_link')
    with op.batch_alter_table('public_request_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_public_request_attempt_key_at')

    op.drop_table('public_request_attempt')
    op.drop_table('daily_task')
