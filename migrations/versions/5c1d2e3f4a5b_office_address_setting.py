"""office address setting: where a person collects her pack (the thanks page says it)

Revision ID: 5c1d2e3f4a5b
Revises: 80e446e3736d
Create Date: 2026-12-02 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1d2e3f4a5b'
down_revision = '80e446e3736d'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows get an empty address (the page then says nothing about it).
    with op.batch_alter_table('organisation_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_address', sa.String(length=200), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('organisation_settings', schema=None) as batch_op:
        batch_op.drop_column('office_address')
