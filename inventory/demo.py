"""Clearly-marked demo data, so a fresh install has something to look at."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TypedDict

import sqlalchemy as sa

from inventory.accounts import users as accounts
from inventory.accounts.models import Role, User
from inventory.core.clock import local_today, start_of_day_utc, utcnow
from inventory.core.db import db
from inventory.rounds import visits
from inventory.settings import organisation as settings
from inventory.stock import catalog, operations, receipts, reversal
from inventory.stock.ledger import stock_of

DEMO_ADMIN = "demo-admin"
DEMO = "【デモ】"
DEMO_NOTE = "デモデータ"

STOREROOM = ("storeroom", "北見市女性支援センター 倉庫", "北海道北見市 (デモ住所)", "1階 倉庫", 0)
PLACEMENTS = (
    ("city_hall", "北見市役所 本庁舎", "北海道北見市大通西2丁目1", "2階 女子トイレ", 10),
    ("city_hall", "北見市役所 本庁舎", "北海道北見市大通西2丁目1", "1階 女子トイレ", 10),
    ("elementary_school", "北見市立ひまわり小学校", "北海道北見市 (デモ住所)", "保健室前 女子トイレ", 6),
    ("elementary_school", "北見市立さくら小学校", "北海道北見市 (デモ住所)", "2階 女子トイレ", 6),
    ("junior_high_school", "北見市立みなみ中学校", "北海道北見市 (デモ住所)", "1階 女子トイレ", 8),
    ("junior_high_school", "北見市立ひがし中学校", "北海道北見市 (デモ住所)", "3階 女子トイレ", 8),
    ("university", "日本赤十字北海道看護大学", "北海道北見市曙町664-1", "講義棟 1階 女子トイレ", 12),
)
DONORS = (
    ("individual", ""),
    ("individual", "山田 花子"),
    ("company", "北見ドラッグ株式会社"),
    ("group", "北見ロータリー女性の会"),
    ("school_drive", "北見市立みなみ中学校 生徒会"),
    ("other", ""),
)
VENDORS = ("オホーツク衛生用品", "北見紙工", "ホクレン商事")


def database_is_empty() -> bool:
    """Tell whether nobody has an account yet (a fresh install)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def seed(admin_password: str) -> str:
    """Create the demo admin, the demo organisation and a year of stock; return a one-line summary."""
    admin = accounts.create_user(DEMO_ADMIN, admin_password, Role.ADMIN, display_name="デモ管理者")
    settings.update_settings(
        org_name="【デモ】つながりパック北見",
        consultation_phone="0157-57-3190",
        hours="平日 9:00〜17:30",
        line_contact="@tsunagari-demo",
        email_contact="soudan@example.jp",
        cafe_text="毎週水曜 13:00〜16:00 つながりカフェ（予約不要）",
        public_base_url="http://127.0.0.1:5000",
        sender_name="【デモ】北見市女性支援事業",
    )
    records = seed_stock(recorded_by=admin.id)
    seed_outcomes(recorded_by=admin.id)
    return (
        f"demo data created: 1 admin, organisation settings, {1 + len(PLACEMENTS)} locations, "
        f"{records} stock records"
    )


class _Common(TypedDict):
    """The arguments every demo record passes to its service."""

    recorded_by: int | None
    idempotency_key: str | None


def _location(kind, name, address, spot, target):
    return catalog.create_location(
        kind,
        DEMO + name,
        address=address,
        spot=spot,
        target_level=target,
        contact_note=DEMO_NOTE,
        idempotency_key=None,
    )


def seed_stock(*, recorded_by: int | None = None, months: int = 12, seed: int = 2026) -> int:
    """Record a year of donations, purchases, assemblies and restock rounds through the real services."""
    rng = random.Random(seed)
    pack, leaflet, package = catalog.ensure_default_items()
    storeroom = _location(*STOREROOM)
    points = [_location(*spec) for spec in PLACEMENTS]
    today = local_today()
    start = today - timedelta(days=30 * months)
    count = 0
    common = _Common(recorded_by=recorded_by, idempotency_key=None)
    for month in range(months):
        month_start = start + timedelta(days=30 * month)
        for _ in range(rng.randint(2, 4)):
            kind, donor = rng.choice(DONORS)
            receipts.receive_donation(
                storeroom.id,
                month_start + timedelta(days=rng.randint(0, 9)),
                [(pack.id, rng.choice((10, 15, 20, 30, 50)))],
                donor_kind=kind,
                donor_name=DEMO + donor if donor else "",
                note=DEMO_NOTE,
                **common,
            )
            count += 1
        receipts.record_purchase(
            storeroom.id,
            month_start + timedelta(days=10),
            [(pack.id, 40, 380), (leaflet.id, 200, 12)],
            vendor=DEMO + rng.choice(VENDORS),
            funding="grant" if month % 4 else "own_funds",
            receipt_number=f"R-{month + 1:04d}",
            note=DEMO_NOTE,
            **common,
        )
        count += 1
        assembled_at = start_of_day_utc(month_start + timedelta(days=12)) + timedelta(hours=2)
        operations.assemble_packages(
            storeroom.id, package.id, 60, occurred_at=assembled_at, note=DEMO_NOTE, **common
        )
        count += 1
        for index, point in enumerate(points):
            # A restock round: the volunteer counts what is left (the rest was taken) and fills up.
            visited_at = assembled_at + timedelta(days=2 + index % 5, hours=rng.randint(0, 6))
            left = rng.randint(0, stock_of(point.id, package.id))
            visits.record_visit(
                point.id,
                counted=left,
                added=max(point.target_level - left, 0),
                storeroom_id=storeroom.id,
                occurred_at=visited_at,
                max_age=None,  # a year of rounds, recorded today
                note=DEMO_NOTE,
                **common,
            )
            count += 1
    # A few corrections, so history shows each kind of record.
    last = start_of_day_utc(today) - timedelta(days=3)
    operations.adjust_stock(
        storeroom.id, pack.id, -2, "damaged", occurred_at=last, note=DEMO + "水濡れ", **common
    )
    operations.take_stock(
        storeroom.id,
        {leaflet.id: max(0, stock_of(storeroom.id, leaflet.id) - 5)},
        occurred_at=last + timedelta(hours=1),
        note=DEMO_NOTE,
        **common,
    )
    mistaken = receipts.receive_donation(
        storeroom.id,
        today - timedelta(days=2),
        [(pack.id, 100)],
        donor_kind="other",
        note=DEMO + "二重入力",
        **common,
    )
    reversal.reverse_record(
        mistaken.record_id, note=DEMO + "二重入力の取消", occurred_at=utcnow() - timedelta(days=1), **common
    )
    return count + 4


def seed_outcomes(*, recorded_by: int | None = None, weeks: int = 26, seed: int = 2026) -> int:
    """Half a year of anonymous consultation tallies and weekly cafe sessions; return the tallies."""
    from inventory.outcomes import services as outcomes
    from inventory.stock.models import Location, LocationKind

    rng = random.Random(seed)
    points = list(
        db.session.scalars(sa.select(Location.id).where(Location.kind != LocationKind.STOREROOM.value))
    )
    destinations = [d.id for d in outcomes.list_destinations()]
    channels = ["phone"] * 5 + ["line"] * 3 + ["email", "cafe", "visit"]
    heard = ["pack"] * 4 + ["qr"] * 2 + ["school", "city_office", "other", "unknown", "unknown"]
    today = local_today()
    tallies = 0
    for week in range(weeks):
        monday = today - timedelta(days=7 * (weeks - week) + today.weekday())
        for _ in range(rng.randint(1, 5)):
            way = rng.choice(heard) if points else "unknown"
            outcomes.record_consultation(
                occurred_on=monday + timedelta(days=rng.randint(0, 4)),
                channel=rng.choice(channels),
                is_new=rng.random() < 0.6,
                heard_via=way,
                location_id=rng.choice(points) if way in ("pack", "qr") else None,
                referrals=rng.sample(destinations, k=rng.choice([0, 0, 1, 1, 2])) if destinations else [],
                note=DEMO_NOTE,
                recorded_by=recorded_by,
                idempotency_key=None,
            )
            tallies += 1
        outcomes.record_cafe_session(
            held_on=monday + timedelta(days=2),
            visits=rng.randint(2, 14),
            note=DEMO_NOTE,
            recorded_by=recorded_by,
            idempotency_key=None,
        )
    return tallies
