"""What every answer says about itself: Allow on a 405, no-store on every signed-in page."""

import pytest

from inventory.accounts import api_tokens


def test_every_405_names_the_methods_that_are_allowed(app, client, auth):
    auth.login_as("admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.arguments or rule.endpoint == "static":
            continue
        missing = {"GET", "POST", "PUT", "DELETE"} - rule.methods
        for method in sorted(missing)[:1]:
            response = client.open(rule.rule, method=method)
            assert response.status_code == 405, (method, rule.rule)
            allowed = {m.strip() for m in response.headers.get("Allow", "").split(",")}
            assert allowed >= rule.methods - {"HEAD", "OPTIONS"}, (method, rule.rule, allowed)
            checked += 1
    assert checked > 20


def test_a_405_from_the_api_is_json_and_names_the_allowed_methods(client):
    response = client.delete("/api/v1/visits")
    assert response.status_code == 405 and response.get_json()["error"]["status"] == 405
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("role", ["admin", "staff", "volunteer", "school"])
def test_every_signed_in_page_is_not_stored(client, auth, role):
    auth.login_as(role)
    for url in ("/", "/account/password", "/stock/", "/rounds", "/requests", "/admin/users", "/school"):
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (role, url, response.status_code)


def test_the_page_showing_a_new_api_token_is_not_stored(client, auth, make_user):
    auth.login_as("admin")
    volunteer = make_user("volunteer")
    response = client.post(f"/admin/users/{volunteer.id}/tokens", data={"name": "phone"})
    assert response.status_code == 200 and "tp_" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_no_store_is_for_signed_in_pages_only_shared_files_and_public_pages_keep_theirs(client, auth, point):
    auth.login_as("volunteer")
    assert caching_of(client, "/rounds") == (200, "no-store")
    for url in ("/static/style.css", "/sw.js"):
        status, caching = caching_of(client, url)
        assert status == 200 and "no-store" not in caching, url
    auth.logout()
    for url in ("/login", f"/l/{point.code}", "/support", "/static/style.css"):
        status, caching = caching_of(client, url)
        assert status == 200 and "no-store" not in caching, url


def test_an_api_answer_to_a_token_is_not_stored(client, make_user):
    secret = api_tokens.issue_token(make_user("volunteer").id, "phone")
    response = client.get("/api/v1/stock", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def caching_of(client, url) -> tuple[int, str]:
    """The status and Cache-Control of a page (the file of a static response closed after)."""
    response = client.get(url)
    response.close()
    return response.status_code, response.headers.get("Cache-Control", "")
