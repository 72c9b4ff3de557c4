"""Clearly-marked demo data, so a fresh install has something to look at."""
from __future__ import annotations

import sqlalchemy as sa

from . import accounts, settings
from .accounts import Role, User
from .db import db

DEMO_ADMIN = "demo-admin"


def database_is_empty() -> bool:
    """Tell whether nobody has an account yet (a fresh install)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def seed(admin_password: str) -> str:
    """Create the demo admin and the demo organisation; return a one-line summary."""
    accounts.create_user(DEMO_ADMIN, admin_password, Role.ADMIN, display_name="デモ管理者")
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
    return "demo data created: 1 admin, organisation settings"
