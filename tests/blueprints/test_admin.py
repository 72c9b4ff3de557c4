"""Admin pages: accounts and settings; bad input changes nothing."""

import pytest
import sqlalchemy as sa

from inventory.accounts import users as accounts
from inventory.accounts.models import User
from inventory.core.db import db
from inventory.settings import organisation as settings
from tests.conftest import PASSWORD


def user_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def new_user_form(**overrides):
    data = {
        "username": "new-volunteer",
        "display_name": "山田 花子",
        "email": "",
        "role": "volunteer",
        "locale": "ja",
        "password": "first-password-1",
    }
    return {**data, **overrides}


def test_admin_creates_an_account_that_can_sign_in(auth, client):
    auth.login_as("admin")
    response = client.post("/admin/users/new", data=new_user_form())
    assert response.status_code == 302
    auth.logout()
    assert auth.login("new-volunteer", "first-password-1").status_code == 302


@pytest.mark.parametrize(
    "overrides",
    [
        {"username": ""},
        {"username": "x" * 10_000},
        {"username": "bad name"},
        {"username": "名前"},
        {"username": "ctrl\x07"},
        {"role": "superuser"},
        {"password": "short"},
        {"email": "not-an-email"},
        {"display_name": "x" * 10_000},
    ],
)
def test_bad_account_input_gets_a_message_and_creates_nothing(auth, client, overrides):
    auth.login_as("admin")
    before = user_count()
    response = client.post("/admin/users/new", data=new_user_form(**overrides))
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert user_count() == before


def test_a_taken_user_name_is_refused(auth, client, make_user):
    auth.login_as("admin")
    make_user("staff", username="taken")
    response = client.post("/admin/users/new", data=new_user_form(username="TAKEN"))
    assert "すでに使われています" in response.get_data(as_text=True)


def test_full_width_user_names_are_normalised(auth, client):
    auth.login_as("admin")
    client.post("/admin/users/new", data=new_user_form(username="ｈａｎａｋｏ"))
    assert accounts.find_user("hanako") is not None


def test_deactivating_an_account_signs_it_out_everywhere(app, auth, client, make_user):
    volunteer = make_user("volunteer")
    phone = app.test_client()
    phone.post("/login", data={"login": volunteer.username, "password": PASSWORD})
    assert phone.get("/").status_code == 200
    auth.login_as("admin")
    assert client.post(f"/admin/users/{volunteer.id}/active").status_code == 302
    assert phone.get("/").status_code == 302


def test_admin_password_reset_ends_the_users_sessions(app, auth, client, make_user):
    volunteer = make_user("volunteer")
    phone = app.test_client()
    phone.post("/login", data={"login": volunteer.username, "password": PASSWORD})
    auth.login_as("admin")
    client.post(f"/admin/users/{volunteer.id}/password", data={"password": "reset-password-9"})
    assert phone.get("/").status_code == 302
    assert accounts.login(volunteer.username, "reset-password-9", address=None)


def test_admin_cannot_demote_or_deactivate_themselves(auth, client):
    admin = auth.login_as("admin")
    client.post(f"/admin/users/{admin.id}", data={"role": "volunteer", "locale": "ja"})
    client.post(f"/admin/users/{admin.id}/active")
    admin = accounts.get_user(admin.id)
    assert admin.role == "admin" and admin.active


def test_unknown_user_ids_are_404(auth, client):
    auth.login_as("admin")
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/active").status_code == 404


def settings_form(**overrides):
    data = {
        "org_name": "つながり",
        "consultation_phone": "0157-57-3190",
        "hours": "平日",
        "line_contact": "",
        "email_contact": "",
        "cafe_text": "",
        "public_base_url": "https://pack.example.jp",
        "sender_name": "北見市",
        "pads_per_pack": "２０",
        "retention_days": "30",
    }
    return {**data, **overrides}


def test_settings_are_saved_with_full_width_numbers(auth, client):
    auth.login_as("admin")
    response = client.post("/admin/settings", data=settings_form(pads_per_pack="２２"))
    assert response.status_code == 302
    assert settings.get_settings().pads_per_pack == 22


@pytest.mark.parametrize(
    "overrides",
    [
        {"pads_per_pack": "0"},
        {"pads_per_pack": "-5"},
        {"pads_per_pack": "10000000000000"},
        {"pads_per_pack": "twenty"},
        {"retention_days": ""},
        {"org_name": ""},
        {"public_base_url": "javascript:alert(1)"},
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(auth, client, overrides):
    auth.login_as("admin")
    before = settings.get_settings()
    response = client.post("/admin/settings", data=settings_form(**overrides))
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert settings.get_settings() == before


def test_targets_are_saved_per_fiscal_year(auth, client):
    auth.login_as("admin")
    client.post("/admin/targets/2026", data={"packs_placed": "１２００", "packs_sent": "50"})
    assert settings.get_targets(2026)["packs_placed"] == 1200
    assert settings.get_targets(2027)["packs_placed"] is None
    page = client.get("/admin/targets/2026").get_data(as_text=True)
    assert "令和8年度（2026年度）" in page


@pytest.mark.parametrize("username", ["-1", "--help", "-x", "－ｙ"])
def test_a_user_name_the_commands_would_read_as_an_option_is_refused(auth, client, username):
    auth.login_as("admin")
    before = user_count()
    response = client.post("/admin/users/new", data=new_user_form(username=username))
    assert response.status_code == 200
    assert "ハイフン" in response.get_data(as_text=True)
    assert user_count() == before


def test_the_service_refuses_a_user_name_starting_with_a_hyphen(app):
    from inventory.core.errors import InvalidValue

    with pytest.raises(InvalidValue) as refused:
        accounts.create_user("-1", PASSWORD, "staff")
    assert refused.value.field == "username" and accounts.find_user("-1") is None
    assert accounts.create_user("a-1", PASSWORD, "staff").username == "a-1"
