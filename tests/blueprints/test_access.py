"""The access matrix: every route × every role (and anonymous) gets exactly what it should.

Every URL rule of the app must be listed in ACCESS, so a new page cannot appear unclassified.
"""

import pytest

from inventory.accounts.models import Role

PUBLIC = "public"
ANY = {"admin", "staff", "volunteer", "school"}
STAFF = {"admin", "staff"}
ADMIN = {"admin"}

# endpoint: who may use it (PUBLIC: everyone, signed in or not).
ACCESS = {
    "static": PUBLIC,
    "main.healthz": PUBLIC,
    "auth.login": PUBLIC,
    "main.home": ANY,
    "auth.logout": ANY,
    "auth.change_password": ANY,
    "auth.set_language": ANY,
    "admin.users": ADMIN,
    "admin.new_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.reset_password": ADMIN,
    "admin.toggle_active": ADMIN,
    "admin.edit_settings": ADMIN,
    "admin.edit_targets": ADMIN,
    "admin.issue_token": ADMIN,
    "admin.revoke_token": ADMIN,
    "public.location_page": PUBLIC,
    "public.printed_location_page": PUBLIC,
    # api.* answers 401 as JSON rather than redirecting; checked in test_api.py
    "api.openapi": PUBLIC,
    "api.locations": {"admin", "staff", "volunteer"},
    "api.location": {"admin", "staff", "volunteer"},
    "api.stock": {"admin", "staff", "volunteer"},
    "api.create_visit": {"admin", "staff", "volunteer"},
    # rounds.* (restock visits)
    "rounds.record_visit": {"admin", "staff", "volunteer"},
    "rounds.visit_done": {"admin", "staff", "volunteer"},
    "rounds.plan": {"admin", "staff", "volunteer"},
    "rounds.outbox": {"admin", "staff", "volunteer"},
    "rounds.csrf_token": {"admin", "staff", "volunteer"},
    "rounds.service_worker": PUBLIC,
    "public.support": PUBLIC,
    "public.report": PUBLIC,
    "public.reported": PUBLIC,
    "public.where": PUBLIC,
    "public.favicon": PUBLIC,
    # stock.* (ledger pages)
    "stock.overview": {"admin", "staff", "volunteer"},
    "stock.history": STAFF,
    "stock.record": STAFF,
    "stock.reverse": STAFF,
    "stock.items": STAFF,
    "stock.new_item": STAFF,
    "stock.edit_item": STAFF,
    "stock.edit_recipe": STAFF,
    "stock.set_item_active": STAFF,
    "stock.locations": STAFF,
    "stock.new_location": STAFF,
    "stock.location": STAFF,
    "stock.edit_location": STAFF,
    "stock.set_location_active": STAFF,
    "stock.donations": STAFF,
    "stock.new_donation": STAFF,
    "stock.donation": STAFF,
    "stock.purchases": STAFF,
    "stock.new_purchase": STAFF,
    "stock.purchase": STAFF,
    "stock.assemble": STAFF,
    "stock.assembly_result": STAFF,
    "stock.transfer": STAFF,
    "stock.adjust": STAFF,
    "stock.stocktake": STAFF,
    "stock.stocktake_location": STAFF,
    # printing.* (print kit: placards for volunteers too)
    "printing.index": STAFF,
    "printing.preview": STAFF,
    "printing.batches": STAFF,
    "printing.reprint": STAFF,
    "printing.calibration": STAFF,
    "printing.calibration_pdf": STAFF,
    "printing.calibration_preview": STAFF,
    "printing.placard": {"admin", "staff", "volunteer"},
    "printing.placard_preview": {"admin", "staff", "volunteer"},
    # requests.* (staff queue, school pages, the public request form)
    "requests.queue": STAFF,
    "requests.new": STAFF,
    "requests.detail": STAFF,
    "requests.personal": STAFF,
    "requests.plan": STAFF,
    "requests.fulfil": STAFF,
    "requests.cancel": STAFF,
    "requests.address_label": STAFF,
    "requests.packing_slip": STAFF,
    "requests.access_log": ADMIN,
    "requests.school_links": ADMIN,
    "requests.remove_school_link": ADMIN,
    "requests.school_home": {"school"},
    "requests.school_location": {"school"},
    "requests.school_request_page": {"school"},
    "requests.public_form": PUBLIC,
    "requests.public_form_at": PUBLIC,
    "requests.public_thanks": PUBLIC,
    # reports.* (dashboard, fiscal-year report, CSV exports)
    "reports.dashboard": STAFF,
    "reports.location": STAFF,
    "reports.fiscal_year": STAFF,
    "reports.fiscal_year_csv": STAFF,
    "reports.fiscal_year_pdf": STAFF,
    "reports.close_year": ADMIN,
    "reports.reopen_year": ADMIN,
    "reports.save_notes": ADMIN,
    "reports.export": STAFF,
    # alerts.* (the account page's switches and LINE link, the webhook, the admin's outbox)
    "alerts.account": ANY,
    "alerts.line_code": ANY,
    "alerts.line_unlink": ANY,
    "alerts.line_webhook": PUBLIC,
    "alerts.outbox_page": ADMIN,
    "alerts.retry_delivery": ADMIN,
    "alerts.channel_settings": ADMIN,
    "alerts.location_volunteers": STAFF,
    # outcomes.* (consultation and referral tallies, the drop-in cafe, the outcome figures)
    "outcomes.quick_entry": STAFF,
    "outcomes.monthly_entry": STAFF,
    "outcomes.cafe": STAFF,
    "outcomes.figures": STAFF,
    "outcomes.destinations": ADMIN,
    "outcomes.set_destination_active": ADMIN,
}
ROLES = [None, *[role.value for role in Role]]


def url_args(endpoint: str, app) -> dict:
    """Sample URL values for rules that take some."""
    samples = {
        "user_id": 1,
        "filename": "style.css",
        "fiscal_year": 2026,
        "year": 2025,
        "code": "ABC234",
        # items 1-3 are seeded by the migration; no location or record exists: 404 is fine
        "item_id": 1,
        "location_id": 1,
        "record_id": 1,
        "batch_id": 1,
        "visit_id": 1,
        "token_id": 1,
        "request_id": 1,
        "link_id": 1,
        "delivery_id": 1,
        "destination_id": 1,
    }
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return {name: samples[name] for name in rule.arguments}


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ACCESS) == set(), "add new routes to ACCESS"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_routes(app, make_user, role):
    from flask import url_for

    admin = make_user("admin")  # user id 1 exists for the admin.edit_user sample
    client = app.test_client()
    if role:
        user = make_user(role)
        client.post("/login", data={"login": user.username, "password": "correct-horse-battery"})
    for rule in app.url_map.iter_rules():
        allowed = ACCESS[rule.endpoint]
        with app.test_request_context():
            url = url_for(rule.endpoint, **url_args(rule.endpoint, app))
        method = "GET" if "GET" in rule.methods else "POST"
        if rule.endpoint == "auth.logout":
            continue  # checked below: it would end the session mid-matrix
        response = client.open(url, method=method, data={})
        response.close()
        where = f"{method} {url} as {role}"
        assert response.status_code < 500, where
        if allowed == PUBLIC or (role and role in allowed):
            assert response.status_code not in (401, 403), where
            if not (rule.endpoint == "auth.login" and role):
                assert not response.headers.get("Location", "").startswith("/login"), where
        elif role is None and rule.endpoint.startswith("api."):
            assert response.status_code == 401, where
        elif role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where
    assert admin.id == 1


def test_logout_requires_sign_in(client):
    response = client.post("/logout")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
