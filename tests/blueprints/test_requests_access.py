"""Who may use which request page, with real ids: a school never sees another school's anything."""

import pytest

from inventory.requests import services as requests
from tests.conftest import PASSWORD
from tests.ledger_fixtures import fresh_key

STAFF_PAGES = [
    "/requests",
    "/requests/new",
    "/requests/{mail}",
    "/requests/{refill}",
    "/requests/{mail}/personal",
]
STAFF_POSTS = [
    "/requests/{refill}/plan",
    "/requests/{mail}/fulfil",
    "/requests/{mail}/cancel",
    "/requests/{mail}/address-label.pdf",
    "/requests/{mail}/packing-slip.pdf",
]
ADMIN_PAGES = ["/requests/access-log", "/school-links"]
SCHOOL_PAGES = ["/school", "/school/locations/{loc}", "/school/requests/{refill}"]
PUBLIC_PAGES = ["/request", "/l/{code}/request", "/request/thanks"]


@pytest.fixture
def world(app, items, point, make_location, school_of, mail_request, make_user):
    """School A (at `point`) with a refill, school B elsewhere with its own, and a mailed request."""
    other = make_location("junior_high_school", "第二中学校")
    school_a, school_b = school_of(point), school_of(other)
    refill = requests.create_refill_request(
        point.id, quantity=2, requested_by=school_a.id, idempotency_key=fresh_key()
    ).request_id
    other_refill = requests.create_refill_request(
        other.id, quantity=2, requested_by=school_b.id, idempotency_key=fresh_key()
    ).request_id
    individual_here = requests.create_individual_request(
        quantity=1, delivery="office", channel="web", location_id=point.id, idempotency_key=fresh_key()
    ).request_id
    return dict(
        a=school_a,
        b=school_b,
        loc=point.id,
        code=point.code,
        other_loc=other.id,
        refill=refill,
        other_refill=other_refill,
        mail=mail_request(),
        individual_here=individual_here,
    )


def sign_in(client, user):
    assert client.post("/login", data={"login": user.username, "password": PASSWORD}).status_code == 302


def urls(templates, world):
    return [template.format(**world) for template in templates]


@pytest.mark.parametrize("role", [None, "admin", "staff", "volunteer", "school"])
def test_each_role_gets_exactly_the_request_pages_it_should(client, make_user, world, role):
    if role == "school":
        sign_in(client, world["a"])
    elif role:
        sign_in(client, make_user(role))
    expected = {
        "staff": STAFF_PAGES,
        "admin": STAFF_PAGES + ADMIN_PAGES,
        "school": SCHOOL_PAGES,
    }.get(role, [])
    for url in urls(STAFF_PAGES + ADMIN_PAGES + SCHOOL_PAGES, world):
        response = client.get(url)
        allowed = url in urls(expected, world)
        where = f"GET {url} as {role}"
        if allowed:
            assert response.status_code in (200, 302) and "/login" not in response.headers.get(
                "Location", ""
            ), where
        elif role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where
    for url in urls(STAFF_POSTS, world):
        response = client.post(url, data={})
        if role in ("staff", "admin"):
            assert response.status_code not in (401, 403, 500), url
        elif role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        else:
            assert response.status_code == 403, url
    for url in urls(PUBLIC_PAGES, world):
        assert client.get(url).status_code == 200, url


def test_school_a_asking_for_school_bs_ids_gets_404_and_stores_nothing(client, world, table_counts):
    sign_in(client, world["a"])
    before = table_counts()
    assert client.get(f"/school/locations/{world['other_loc']}").status_code == 404
    assert client.get(f"/school/requests/{world['other_refill']}").status_code == 404
    assert (
        client.post(
            f"/school/locations/{world['other_loc']}", data={"quantity": "5", "idempotency_key": fresh_key()}
        ).status_code
        == 404
    )
    for forged in (999_999, 0):
        assert client.get(f"/school/requests/{forged}").status_code == 404
        assert client.get(f"/school/locations/{forged}").status_code == 404
    assert client.get("/school/requests/abc").status_code == 404
    assert table_counts() == before


def test_a_school_never_sees_a_persons_request_even_from_its_own_toilets(client, world):
    sign_in(client, world["a"])
    assert client.get(f"/school/requests/{world['individual_here']}").status_code == 404
    assert client.get(f"/school/requests/{world['mail']}").status_code == 404
    page = client.get(f"/school/locations/{world['loc']}").get_data(as_text=True)
    assert f"/school/requests/{world['individual_here']}" not in page


def test_a_school_sees_only_its_own_locations_on_its_home_page(client, world, point):
    sign_in(client, world["b"])
    page = client.get("/school").get_data(as_text=True)
    assert "第二中学校" in page and point.name not in page
