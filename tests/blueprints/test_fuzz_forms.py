"""A bounded property-based fuzz of every form that writes: no input gives a 5xx, a refusal writes nothing.

Each form is filled the way its page shows it (the HTML is read, so a new field is fuzzed too),
made valid where the page leaves it blank, then one to three of its fields get what people and
robots send: full-width digits, huge numbers, control characters, 10,000 characters, emoji.
Examples are few and derandomised, so the run is short and the same every time.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory.core.db import db
from inventory.requests import schools
from tests.conftest import AuthActions

# Refused logins are counted on purpose (the throttle); nothing else may change on a refusal.
COUNTED_ON_REFUSAL = {"alembic_version", "login_failure"}
EXAMPLES = 6

NASTY = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "１２",
            "－５",
            "９" * 30,
            str(2**31),
            str(2**63 + 1),
            "-" + "9" * 40,
            "1e309",
            "NaN",
            "0x1F",
            "2026-02-30",
            "0001-01-01T00:00:00+14:00",
            "a\x00b",
            "\x00",
            "\x1b[31m",
            "\u202eabc",
            "\u200b",
            "\ufeff",
            "🩸",
            "👩‍👩‍👧",
            "\r\n",
            "x" * 10_000,
            "あ" * 10_000,
            "<script>alert(1)</script>",
            "' OR 1=1 --",
        ]
    ),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


class FormReader(HTMLParser):
    """The fields of each <form method=post> on a page, as a browser would send them unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._action: str | None = None
        self._select: str | None = None
        self._first_option = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self._action = a.get("action") or ""
            self.forms.setdefault(self._action, {})
        elif self._action is None:
            return
        fields = self.forms[self._action]
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                fields.setdefault(name, "") if a.get("type") == "radio" else None
                return
            fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._first_option = name, True
        elif tag == "option" and self._select:
            # The selected option, else the first real one (a placeholder option has no value).
            if "selected" in a or (self._first_option and a.get("value")):
                fields[self._select] = a.get("value", "")
                self._first_option = False
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._action is not None:
            self.forms[self._action][self._textarea] += data


def page_form(client, page: str, action: str) -> dict[str, str]:
    """The fields of the form on `page` that posts to `action`."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    reader = FormReader()
    reader.feed(response.get_data(as_text=True))
    for form_action, fields in reader.forms.items():
        if form_action.split("?")[0] == action or (form_action == "" and page == action):
            return fields
    raise AssertionError(f"no form posting to {action} on {page}: {list(reader.forms)}")


def all_rows() -> dict[str, int]:
    """Rows in every table that a refusal must leave alone."""
    db.session.rollback()
    names = [n for n in sa.inspect(db.engine).get_table_names() if n not in COUNTED_ON_REFUSAL]
    query = " UNION ALL ".join(f"SELECT '{n}', count(*) FROM \"{n}\"" for n in names)  # one round trip
    counts = dict(db.session.execute(sa.text(query)).all())
    db.session.rollback()
    return counts


@pytest.fixture
def world(app, client, make_user, make_location, items, storeroom, point, packages, donate, mail_request):
    """Everything the writing forms need: signed-in clients of each kind and records to act on."""
    packages(30)
    donation = donate(10)
    donate(50, item=items.pack)
    donate(50, item=items.leaflet)
    volunteer = make_user("volunteer")
    admin_auth = AuthActions(client, make_user)
    admin_auth.login_as("admin")
    school_client = app.test_client()
    school = make_user("school")
    schools.link(school.id, point.id)
    assert AuthActions(school_client, make_user).login(school.username).status_code == 302
    return dict(
        admin=client,
        school=school_client,
        anonymous=app.test_client(),
        ids=dict(
            pack=items.pack,
            leaflet=items.leaflet,
            package=items.package,
            storeroom=storeroom.id,
            point=point.id,
            code=point.code,
            record=donation.record_id,
            volunteer=volunteer.id,
            to_fulfil=mail_request(quantity=1),
            to_cancel=mail_request(quantity=1),
            school=school.id,
            school_place=make_location("elementary_school", "小学校").id,
        ),
        pages={},
    )


def yesterday() -> str:
    return (date.today() - timedelta(days=1)).isoformat()


# name: (who, page, action, what makes the page's form a valid submission). {ids} are filled in.
FORMS = {
    "login": ("anonymous", "/login", "/login", {"login": "nobody", "password": "wrong-password-1"}),
    "change_password": (
        "admin",
        "/account/password",
        "/account/password",
        {
            "current_password": "not-the-password",
            "new_password": "a-new-password-1",
            "confirm": "a-new-password-1",
        },
    ),
    "new_user": (
        "admin",
        "/admin/users/new",
        "/admin/users/new",
        {"username": "fuzzed", "password": "first-password-1"},
    ),
    "edit_user": ("admin", "/admin/users/{volunteer}", "/admin/users/{volunteer}", {"display_name": "山田"}),
    "reset_password": (
        "admin",
        "/admin/users/{volunteer}",
        "/admin/users/{volunteer}/password",
        {"password": "another-password-1"},
    ),
    "issue_token": (
        "admin",
        "/admin/users/{volunteer}",
        "/admin/users/{volunteer}/tokens",
        {"name": "phone"},
    ),
    "settings": ("admin", "/admin/settings", "/admin/settings", {}),
    "targets": ("admin", "/admin/targets", "/admin/targets", {"packs_placed": "100"}),
    "donation": (
        "admin",
        "/stock/donations/new",
        "/stock/donations/new",
        {"occurred_on": "{yesterday}", "lines-0-item_id": "{pack}", "lines-0-quantity": "5"},
    ),
    "purchase": (
        "admin",
        "/stock/purchases/new",
        "/stock/purchases/new",
        {
            "occurred_on": "{yesterday}",
            "vendor": "ドラッグ",
            "lines-0-item_id": "{pack}",
            "lines-0-quantity": "5",
            "lines-0-unit_cost_yen": "300",
        },
    ),
    "assemble": (
        "admin",
        "/stock/assemble",
        "/stock/assemble",
        {"storeroom_id": "{storeroom}", "item_id": "{package}", "quantity": "1"},
    ),
    "transfer": (
        "admin",
        "/stock/transfer",
        "/stock/transfer",
        {
            "from_location_id": "{storeroom}",
            "to_location_id": "{point}",
            "lines-0-item_id": "{package}",
            "lines-0-quantity": "1",
        },
    ),
    "adjust": (
        "admin",
        "/stock/adjust",
        "/stock/adjust",
        {"location_id": "{storeroom}", "item_id": "{pack}", "change": "-1", "reason": "damaged"},
    ),
    "stocktake": (
        "admin",
        "/stock/stocktake/{storeroom}",
        "/stock/stocktake/{storeroom}",
        {"counts-0-counted": "5"},
    ),
    "reverse": (
        "admin",
        "/stock/records/{record}/reverse",
        "/stock/records/{record}/reverse",
        {"note": "誤り"},
    ),
    "new_item": ("admin", "/stock/items/new", "/stock/items/new", {"name": "新しい品目", "unit": "個"}),
    "edit_item": ("admin", "/stock/items/{leaflet}", "/stock/items/{leaflet}", {}),
    "recipe": ("admin", "/stock/items/{package}", "/stock/items/{package}/recipe", {}),
    "new_location": ("admin", "/stock/locations/new", "/stock/locations/new", {"name": "第二倉庫"}),
    "edit_location": ("admin", "/stock/locations/{point}/edit", "/stock/locations/{point}/edit", {}),
    "restock_visit": ("admin", "/l/{code}", "/l/{code}/visit", {"counted": "0", "added": "1"}),
    "public_request": (
        "anonymous",
        "/l/{code}/request",
        "/l/{code}/request",
        {
            "recipient_name": "はな",
            "postal_code": "090-0018",
            "address": "北見市青葉町1-1",
            "delivery": "mail",
            "consent": "y",
        },
    ),
    "staff_request": (
        "admin",
        "/requests/new",
        "/requests/new",
        {"delivery": "office", "quantity": "1"},
    ),
    "fulfil": (
        "admin",
        "/requests/{to_fulfil}",
        "/requests/{to_fulfil}/fulfil",
        {"storeroom_id": "{storeroom}", "item_id": "{package}", "quantity": "1"},
    ),
    "cancel": ("admin", "/requests/{to_cancel}", "/requests/{to_cancel}/cancel", {"reason": "重複"}),
    "school_refill": ("school", "/school/locations/{point}", "/school/locations/{point}", {"quantity": "5"}),
    "school_link": (
        "admin",
        "/school-links",
        "/school-links",
        {"user_id": "{school}", "location_id": "{school_place}"},
    ),
    "placard": ("admin", "/print/placard/{point}", "/print/placard/{point}", {"action": "download"}),
    "print": ("admin", "/print/", "/print/", {"count": "1", "action": "download"}),
}


def filled(template: str, ids: dict) -> str:
    return template.format(yesterday=yesterday(), **ids)


def recorded(name: str, response) -> bool:
    """Whether the form was accepted: a redirect, a PDF, or the page showing a new token."""
    if name == "issue_token":
        return response.status_code == 200 and "tp_" in response.get_data(as_text=True)
    return response.status_code in (302, 303) or response.mimetype == "application/pdf"


def prepared(world, name) -> tuple:
    """The client, the URL to post to and the valid fields of one form (its page read once)."""
    who, page, action, valid = FORMS[name]
    ids = world["ids"]
    page, action = filled(page, ids), filled(action, ids)
    if name not in world["pages"]:
        world["pages"][name] = page_form(world[who], page, action)
    return world[who], action, {**world["pages"][name], **{f: filled(v, ids) for f, v in valid.items()}}


# One world for all forms, each example sending every form one nasty submission: every form
# gets EXAMPLES of them, and the database is set up once.
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_to_a_writing_form_gives_a_server_error_and_a_refusal_writes_nothing(world, data):
    for name in sorted(FORMS):
        client, action, base = prepared(world, name)
        fields = sorted({*base, "idempotency_key"} - {"csrf_token"})
        nasty = data.draw(st.dictionaries(st.sampled_from(fields), NASTY, min_size=1, max_size=3), label=name)
        before = all_rows()
        response = client.post(action, data={**base, "idempotency_key": uuid.uuid4().hex, **nasty})
        response.close()
        assert response.status_code < 500, (name, nasty)
        if not recorded(name, response):
            assert all_rows() == before, (name, nasty, response.status_code)


def test_the_fuzz_starts_from_forms_that_are_accepted(world):
    """Without this the fuzz could be refusing everything for a reason of its own."""
    refused = {}
    for name in sorted(set(FORMS) - {"login", "change_password"}):  # these two: a wrong password
        client, action, base = prepared(world, name)
        response = client.post(action, data={**base, "idempotency_key": uuid.uuid4().hex})
        response.close()
        if not recorded(name, response):
            html = response.get_data(as_text=True)
            refused[name] = (
                response.status_code,
                re.findall(r'class="(?:error|flash[^"]*)"[^>]*>([^<]+)', html),
            )
    assert refused == {}
