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
from inventory.requests import schools
from inventory.requests import services as requests
from inventory.requests.models import Channel, Delivery
from inventory.rounds import visits
from inventory.settings import organisation as settings
from inventory.stock import catalog, operations, receipts, reversal
from inventory.stock.ledger import stock_of
from inventory.stock.models import LocationKind

DEMO_ADMIN = "demo-admin"
# One account per role, so each view can be tried without creating accounts first.
DEMO_ACCOUNTS = (
    (Role.ADMIN, DEMO_ADMIN, "デモ管理者"),
    (Role.STAFF, "demo-staff", "デモ事務局"),
    (Role.VOLUNTEER, "demo-volunteer", "デモボランティア"),
    (Role.SCHOOL, "demo-school", "デモ学校担当"),
)
# The school account is linked to this placement point (an index into PLACEMENTS).
DEMO_SCHOOL_PLACEMENT = 2
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


def seed(passwords: dict[Role, str]) -> str:
    """Create a demo account per role, the demo organisation, a year of stock and open work.

    `passwords` gives each role's password; the school account is linked to a demo school.
    """
    users = {
        role: accounts.create_user(name, passwords[role], role, display_name=display)
        for role, name, display in DEMO_ACCOUNTS
    }
    settings.update_settings(
        org_name="【デモ】つながりパック北見",
        consultation_phone="0157-57-3190",
        hours="平日 9:00〜17:30",
        office_address="北海道北見市 (デモ住所) つながり事務局 1階",
        line_contact="@tsunagari-demo",
        email_contact="soudan@example.jp",
        cafe_text="毎週水曜 13:00〜16:00 つながりカフェ（予約不要）",
        public_base_url="http://127.0.0.1:5000",
        # Neutral on purpose: a parcel must not tell the household what is inside or who sent it
        # (not the organisation's name either).
        sender_name="【デモ】あおば事務所",
    )
    records = seed_stock(recorded_by=users[Role.ADMIN].id)
    requests_made = seed_open_work(school_user_id=users[Role.SCHOOL].id, recorded_by=users[Role.STAFF].id)
    seed_outcomes(recorded_by=users[Role.ADMIN].id)
    return (
        f"demo data created: {len(DEMO_ACCOUNTS)} accounts (one per role), organisation settings, "
        f"{1 + len(PLACEMENTS)} locations, {records} stock records, {requests_made} open requests"
    )


def seed_open_work(*, school_user_id: int, recorded_by: int) -> int:
    """Leave work waiting: open requests, a location found empty today, a school refill, few leaflets.

    The year of rounds ends two weeks or more ago, so the round plan already has overdue
    locations; these add what a first day should show on each role's home page.
    """
    placements = [
        location for location in catalog.list_locations() if location.kind != LocationKind.STOREROOM
    ]
    by_name = {location.name: location for location in placements}
    school = by_name[DEMO + PLACEMENTS[DEMO_SCHOOL_PLACEMENT][1]]
    schools.link(school_user_id, school.id)
    storeroom = next(loc for loc in catalog.list_locations() if loc.kind == LocationKind.STOREROOM)
    # A volunteer found the city hall's first toilet empty this morning and had nothing to add.
    empty = next(loc for loc in placements if loc.spot == PLACEMENTS[0][3])
    visits.record_visit(
        empty.id,
        counted=0,
        added=0,
        storeroom_id=storeroom.id,
        occurred_at=utcnow() - timedelta(hours=2),
        note=DEMO + "空でした",
        recorded_by=recorded_by,
        idempotency_key=None,
    )
    # A stocktake found fewer leaflets than the threshold: the storeroom warning has a line.
    leaflet = catalog.find_item_by_name(catalog.DEFAULT_LEAFLET)
    if leaflet is not None:
        operations.take_stock(
            storeroom.id,
            {leaflet.id: max(leaflet.low_stock_threshold - 20, 0)},
            note=DEMO + "棚卸し",
            recorded_by=recorded_by,
            idempotency_key=None,
        )
    requests.create_refill_request(
        school.id,
        quantity=6,
        note=DEMO + "保健室の在庫がありません",
        requested_by=school_user_id,
        idempotency_key=None,
    )
    requests.create_individual_request(
        quantity=1,
        delivery=Delivery.MAIL.value,
        channel=Channel.PHONE.value,
        recipient_name=DEMO + "北見 花子",
        postal_code="090-0000",
        address="北海道北見市 (デモ住所) 1-1",
        recorded_by=recorded_by,
        idempotency_key=None,
    )
    requests.create_individual_request(
        quantity=2,
        delivery=Delivery.PICKUP.value,
        channel=Channel.LINE.value,
        recorded_by=recorded_by,
        idempotency_key=None,
    )
    return 3


class _Common(TypedDict):
    """The arguments every demo record passes to its service."""

    recorded_by: int | None
    idempotency_key: str | None


# What the public list of places (/where) shows for the demo's public kinds.
DEMO_OPENING_HOURS = {"city_hall": "平日 8:45〜17:30", "university": "平日 8:30〜18:00"}


def _location(kind, name, address, spot, target):
    return catalog.create_location(
        kind,
        DEMO + name,
        address=address,
        spot=spot,
        target_level=target,
        contact_note=DEMO_NOTE,
        area="北見市" if kind in DEMO_OPENING_HOURS else "",
        opening_hours=DEMO_OPENING_HOURS.get(kind, ""),
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
