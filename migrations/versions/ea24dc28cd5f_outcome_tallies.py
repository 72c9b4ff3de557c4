"""outcome tallies: consultations, referrals and their destinations, cafe sessions

Seeds the usual referral destinations; the admin edits the list afterwards.

Revision ID: ea24dc28cd5f
Revises: b5d45e966188
Create Date: 2026-12-02 11:26:45.981439

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "ea24dc28cd5f"
down_revision = "b5d45e966188"
branch_labels = None
depends_on = None


# The destinations a new installation starts with (the organisation's own words, in Japanese).
DEFAULT_DESTINATIONS = (
    "市の相談窓口",
    "医療機関",
    "警察",
    "法律相談（法テラス・弁護士）",
    "配偶者暴力相談支援センター",
    "児童相談所",
    "生活困窮者自立相談支援",
    "その他の支援機関",
)


def upgrade():
    destination = op.create_table(
        "referral_destination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_destination")),
        sa.UniqueConstraint("name", name=op.f("uq_referral_destination_name")),
    )
    op.create_table(
        "cafe_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("visits BETWEEN 0 AND 100000", name=op.f("ck_cafe_session_visits_range")),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"], name=op.f("fk_cafe_session_recorded_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cafe_session")),
        sa.UniqueConstraint("held_on", name=op.f("uq_cafe_session_held_on")),
    )
    op.create_table(
        "monthly_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"], name=op.f("fk_monthly_tally_recorded_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_tally")),
    )
    op.create_table(
        "consultation_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("is_new", sa.Boolean(), nullable=False),
        sa.Column("heard_via", sa.String(length=16), nullable=False),
        sa.Column("heard_location_id", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("monthly_tally_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('phone', 'line', 'email', 'cafe', 'visit', 'other')",
            name=op.f("ck_consultation_tally_channel_known"),
        ),
        sa.CheckConstraint(
            "heard_via <> 'pack' OR heard_location_id IS NOT NULL",
            name=op.f("ck_consultation_tally_pack_names_location"),
        ),
        sa.CheckConstraint(
            "heard_via IN ('pack', 'qr') OR heard_location_id IS NULL",
            name=op.f("ck_consultation_tally_location_only_for_pack_or_qr"),
        ),
        sa.CheckConstraint(
            "heard_via IN ('pack', 'qr', 'school', 'city_office', 'other', 'unknown')",
            name=op.f("ck_consultation_tally_heard_via_known"),
        ),
        sa.CheckConstraint("count BETWEEN 1 AND 100000", name=op.f("ck_consultation_tally_count_range")),
        sa.ForeignKeyConstraint(
            ["heard_location_id"],
            ["location.id"],
            name=op.f("fk_consultation_tally_heard_location_id_location"),
        ),
        sa.ForeignKeyConstraint(
            ["monthly_tally_id"],
            ["monthly_tally.id"],
            name=op.f("fk_consultation_tally_monthly_tally_id_monthly_tally"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user.id"], name=op.f("fk_consultation_tally_recorded_by_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_tally")),
    )
    with op.batch_alter_table("consultation_tally", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_tally_occurred_on"), ["occurred_on"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("destination_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("tally_id", sa.Integer(), nullable=True),
        sa.Column("monthly_tally_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("count BETWEEN 1 AND 100000", name=op.f("ck_referral_count_range")),
        sa.ForeignKeyConstraint(
            ["destination_id"],
            ["referral_destination.id"],
            name=op.f("fk_referral_destination_id_referral_destination"),
        ),
        sa.ForeignKeyConstraint(
            ["monthly_tally_id"],
            ["monthly_tally.id"],
            name=op.f("fk_referral_monthly_tally_id_monthly_tally"),
        ),
        sa.ForeignKeyConstraint(
            ["tally_id"], ["consultation_tally.id"], name=op.f("fk_referral_tally_id_consultation_tally")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_occurred_on"), ["occurred_on"], unique=False)

    op.bulk_insert(
        destination,
        [dict(name=name, position=(n + 1) * 10, active=True) for n, name in enumerate(DEFAULT_DESTINATIONS)],
    )


def downgrade():
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_occurred_on"))

    op.drop_table("referral")
    with op.batch_alter_table("consultation_tally", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_tally_occurred_on"))

    op.drop_table("consultation_tally")
    op.drop_table("monthly_tally")
    op.drop_table("cafe_session")
    op.drop_table("referral_destination")
