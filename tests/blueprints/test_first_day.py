"""The small things a new NPO meets on its first day (issue #18), each checked where it shows."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from inventory.accounts.models import User
from inventory.core.db import db
from inventory.printing import batches as printing
from inventory.printing.batches import PrintJob
from inventory.requests import parcels
from inventory.settings import organisation as settings
from inventory.stock import receipts
from tests.conftest import PASSWORD, make_app

ROOT = Path(__file__).parents[2]


def test_a_new_account_has_no_role_until_the_admin_picks_one(client, auth):
    auth.login_as("admin")
    html = client.get("/admin/users/new").get_data(as_text=True)
    role_select = html[html.index('name="role"') : html.index("</select>", html.index('name="role"'))]
    assert re.search(r'required><option value="">', role_select)  # the empty choice comes first
    assert "selected" not in role_select
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    data = {"username": "no-role", "role": "", "locale": "ja", "password": "first-password-1"}
    response = client.post("/admin/users/new", data=data)
    assert "「役割」を選んでください。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_a_donation_of_packs_and_leaflets_is_totalled_per_unit(client, auth, items, storeroom):
    auth.login_as("staff")
    donation = receipts.receive_donation(
        storeroom.id,
        date.today() - timedelta(days=1),
        [(items.pack, 50), (items.leaflet, 200)],
        donor_kind="individual",
        idempotency_key=None,
    )
    html = client.get(f"/stock/donations/{donation.record_id}").get_data(as_text=True)
    footer = html[html.index("<tfoot>") : html.index("</tfoot>")]
    assert "50 パック" in footer and "200 枚" in footer
    assert "250" not in footer
    assert "<dt>記録日時</dt>" in html and "<dt>記録しました</dt>" not in html


def test_a_placard_from_the_print_page_is_one_page_for_its_location(app, point):
    job = PrintJob(product="placard", location_id=point.id, count=12)
    assert printing.check_job(job).count == 1
    assert printing.pages_of(job, base_url="https://pack.example.jp") == 1


def test_the_packing_slip_counts_items_the_way_a_parcel_does(app, mail_request):
    settings.update_settings(sender_name="あおば事務所")
    slip = parcels.packing_slip_for(mail_request(quantity=2))
    assert slip.quantity_text == "2 個"


def test_the_thanks_page_says_where_and_when_to_collect(client):
    settings.update_settings(office_address="北見市北1条西1丁目 2階", hours="平日 10:00〜16:00")
    html = client.get("/request/thanks").get_data(as_text=True)
    assert "北見市北1条西1丁目 2階" in html and "平日 10:00〜16:00" in html
    assert 'href="tel:0157573190"' in html


def test_public_pages_link_the_phone_and_line_and_lead_back_to_the_support_page(client):
    settings.update_settings(consultation_phone="０１５７-５７-３１９０", line_contact="@tsunagari")
    support = client.get("/support").get_data(as_text=True)
    assert 'href="tel:0157573190"' in support
    assert 'href="https://line.me/R/ti/p/%40tsunagari"' in support
    assert re.search(r'<a class="brand" href="/support">', support)
    assert '<meta name="description" content="' in support
    form = client.get("/request").get_data(as_text=True)
    assert 'href="tel:0157573190"' in form
    assert re.search(r'<a class="brand" href="/support">', form)


def test_a_line_contact_that_is_not_an_id_or_address_stays_plain_text(client):
    settings.update_settings(line_contact="窓口で聞いてください")
    support = client.get("/support").get_data(as_text=True)
    assert "line.me" not in support and "窓口で聞いてください" in support


def test_the_favicon_is_served_as_a_small_icon(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.data[:4] == b"\x00\x00\x01\x00" and len(response.data) < 20_000


def test_a_radio_group_is_a_fieldset_with_a_legend_not_a_label_for_a_list(client):
    html = client.get("/request").get_data(as_text=True)
    assert '<label for="delivery">' not in html
    group = html[html.index('<fieldset class="field choices') :]
    assert group.index("<legend>") < group.index('<ul id="delivery"')


def test_the_export_choice_starts_empty_and_asks_for_a_choice(client, auth):
    auth.login_as("staff")
    html = client.get("/reports/export").get_data(as_text=True)
    assert re.search(r'name="dataset" required><option (selected )?value="">', html)
    response = client.get("/reports/export?dataset=&encoding=utf-8")
    assert response.status_code == 400
    assert "「出力するデータ」を選んでください。" in response.get_data(as_text=True)


def test_pages_with_several_forms_repeat_no_id(database_url, make_user, items):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        make_user("admin", username="ids-admin")
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"login": "ids-admin", "password": PASSWORD, "csrf_token": token})
    for url in ("/admin/users", "/stock/items"):
        html = client.get(url).get_data(as_text=True)
        assert "csrf_token" in html, url
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (url, sorted(i for i in ids if ids.count(i) > 1))


def test_no_table_has_an_empty_header_cell():
    empty = re.compile(r"<th(\s[^>]*)?>\s*</th>")
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if empty.search(path.read_text())
    ]
    assert found == []


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("badge", [".badge.warn", ".badge.bad"])
def test_warning_badges_have_a_contrast_of_at_least_4_5(badge):
    css = (ROOT / "static/style.css").read_text()
    variables = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    rule = re.search(re.escape(badge) + r"\s*\{([^}]*)\}", css).group(1)
    background = re.search(r"background:\s*(#[0-9a-fA-F]{6})", rule).group(1)
    colour = re.search(r"color:\s*var\((--[\w-]+)\)", rule).group(1)
    light, dark = sorted([_luminance(background), _luminance(variables[colour])], reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5
