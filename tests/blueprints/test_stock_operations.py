"""Assembly, transfer, adjustment and stocktake through the pages; the history's filters and pages."""

from datetime import date, timedelta

import pytest

from blueprints.stock import stock_views
from tests.blueprints.stock_helpers import key, lines, refused, written_rows


@pytest.fixture
def staff(auth):
    return auth.login_as("staff")


@pytest.fixture
def stocked(donate, items):
    """30 packs and 30 leaflets in the storeroom."""
    donate(30)
    donate(30, item=items.leaflet)


def test_assembling_packages_shows_the_result_with_its_record_id(
    staff, client, stocked, items, storeroom, level
):
    response = client.post(
        "/stock/assemble",
        data={
            "idempotency_key": key(),
            "storeroom_id": str(storeroom.id),
            "item_id": str(items.package),
            "quantity": "１２",
            "note": "",
        },
    )
    assert response.status_code == 302 and "/stock/assemble/" in response.headers["Location"]
    record_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert (level(storeroom, items.package), level(storeroom, items.pack)) == (12, 18)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'data-assembly-id="{record_id}"' in html and "/stock/history" in html


@pytest.mark.parametrize("quantity", ["31", "0", "", "abc", str(10**12)])
def test_assembling_more_than_the_components_allow_is_refused(
    staff, client, stocked, items, storeroom, quantity
):
    before = written_rows()
    response = client.post(
        "/stock/assemble",
        data={
            "idempotency_key": key(),
            "storeroom_id": str(storeroom.id),
            "item_id": str(items.package),
            "quantity": quantity,
            "note": "",
        },
    )
    assert refused(response)
    assert written_rows() == before


def test_assembling_at_a_placement_point_is_refused(staff, client, stocked, items, point):
    before = written_rows()
    response = client.post(
        "/stock/assemble",
        data={
            "idempotency_key": key(),
            "storeroom_id": str(point.id),
            "item_id": str(items.package),
            "quantity": "1",
            "note": "",
        },
    )
    assert refused(response)
    assert written_rows() == before


def test_a_transfer_moves_stock_and_one_larger_than_the_balance_is_refused(
    staff, client, stocked, items, storeroom, point, level
):
    data = {
        "idempotency_key": key(),
        "from_location_id": str(storeroom.id),
        "to_location_id": str(point.id),
        "note": "",
        **lines((str(items.pack), "10")),
    }
    assert client.post("/stock/transfer", data=data).status_code == 302
    assert (level(storeroom, items.pack), level(point, items.pack)) == (20, 10)
    before = written_rows()
    data = {**data, "idempotency_key": key(), **lines(("", ""), (str(items.pack), "21"))}
    response = client.post("/stock/transfer", data=data)
    assert refused(response)
    html = response.get_data(as_text=True)
    assert 'value="21"' in html and "20" in html
    assert written_rows() == before


def test_a_transfer_to_the_same_location_is_refused(staff, client, stocked, items, storeroom):
    before = written_rows()
    response = client.post(
        "/stock/transfer",
        data={
            "idempotency_key": key(),
            "from_location_id": str(storeroom.id),
            "to_location_id": str(storeroom.id),
            "note": "",
            **lines((str(items.pack), "1")),
        },
    )
    assert refused(response)
    assert written_rows() == before


@pytest.mark.parametrize("change, expected", [("-3", 27), ("−3", 27), ("－３", 27), ("+5", 35)])
def test_an_adjustment_with_a_reason_changes_the_balance(
    staff, client, stocked, items, storeroom, level, change, expected
):
    response = client.post(
        "/stock/adjust",
        data={
            "idempotency_key": key(),
            "location_id": str(storeroom.id),
            "item_id": str(items.pack),
            "change": change,
            "reason": "damaged",
            "note": "水濡れ",
        },
    )
    assert response.status_code == 302
    assert level(storeroom, items.pack) == expected


@pytest.mark.parametrize(
    "overrides",
    [
        {"change": "0"},
        {"change": "-31"},
        {"change": "abc"},
        {"reason": "stocktake"},
        {"location_id": "999999"},
    ],
)
def test_a_bad_adjustment_is_refused(staff, client, stocked, items, storeroom, overrides):
    before = written_rows()
    response = client.post(
        "/stock/adjust",
        data={
            "idempotency_key": key(),
            "location_id": str(storeroom.id),
            "item_id": str(items.pack),
            "change": "-1",
            "reason": "lost",
            "note": "",
            **overrides,
        },
    )
    assert refused(response)
    assert written_rows() == before


def stocktake_form(items_and_counts):
    data = {"idempotency_key": key(), "note": ""}
    for index, (item_id, counted) in enumerate(items_and_counts):
        data[f"counts-{index}-item_id"] = str(item_id)
        data[f"counts-{index}-counted"] = counted
    return data


def test_a_stocktake_changes_only_the_counted_items(staff, client, stocked, items, storeroom, level):
    html = client.get(f"/stock/stocktake/{storeroom.id}").get_data(as_text=True)
    assert "counts-0-counted" in html and ">30 " in html
    response = client.post(
        f"/stock/stocktake/{storeroom.id}",
        data=stocktake_form([(items.pack, "２５"), (items.leaflet, ""), (items.package, "")]),
    )
    assert response.status_code == 302
    assert (level(storeroom, items.pack), level(storeroom, items.leaflet)) == (25, 30)


@pytest.mark.parametrize("counts", [[("", ""), ("", "")], [(1, "-1")], [(1, "abc")], [(999999, "3")]])
def test_a_bad_stocktake_is_refused(staff, client, stocked, storeroom, counts):
    before = written_rows()
    response = client.post(
        f"/stock/stocktake/{storeroom.id}",
        data=stocktake_form([(item or "", counted) for item, counted in counts]),
    )
    assert refused(response)
    assert written_rows() == before


def test_history_filters_by_kind_item_location_and_japanese_dates(
    staff, client, donate, items, point, storeroom
):
    from inventory.stock import operations

    donate(5, on=date.today() - timedelta(days=20))
    donate(7, item=items.leaflet)
    operations.transfer_stock(storeroom.id, point.id, [(items.pack, 2)], idempotency_key=None)

    def rows(query):
        html = client.get("/stock/history" + query).get_data(as_text=True)
        return html.split("<tbody>")[1].split("</tbody>")[0].count("<tr")

    assert rows("") == 3
    assert rows("?kind=transfer") == 1
    assert rows(f"?item_id={items.leaflet}") == 1
    assert rows(f"?location_id={point.id}") == 1
    since = (date.today() - timedelta(days=3)).isoformat()
    until = (date.today() - timedelta(days=10)).isoformat()
    assert rows(f"?since={since}") == 2
    assert rows(f"?until={until}") == 1
    assert rows("?kind=nonsense&since=garbage") == 3
    assert rows("?since=0001-01-01&until=9999-12-31&location_id=abc&cursor=nonsense") == 3


def test_history_pages_with_the_cursor_and_each_row_links_to_its_record(staff, client, donate, monkeypatch):
    monkeypatch.setattr(stock_views, "HISTORY_PAGE_SIZE", 2)
    record_ids = [donate(n + 1).record_id for n in range(5)]
    seen, url = [], "/stock/history"
    while url:
        html = client.get(url).get_data(as_text=True)
        body = html.split("<tbody>")[1].split("</tbody>")[0]
        seen += [rid for rid in record_ids if f'href="/stock/donations/{rid}"' in body]
        url = (
            html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
            if 'rel="next"' in html
            else None
        )
    assert sorted(seen) == sorted(record_ids) and len(seen) == 5


def test_a_record_page_shows_its_movements_and_its_reversal(staff, client, stocked, items, storeroom, point):
    from inventory.stock import operations, reversal

    transfer = operations.transfer_stock(storeroom.id, point.id, [(items.pack, 3)], idempotency_key=None)
    undo = reversal.reverse_record(transfer.record_id, idempotency_key=None)
    html = client.get(f"/stock/records/{transfer.record_id}").get_data(as_text=True)
    assert f'href="/stock/records/{undo.record_id}"' in html
    html = client.get(f"/stock/records/{undo.record_id}").get_data(as_text=True)
    assert f'href="/stock/records/{transfer.record_id}"' in html
