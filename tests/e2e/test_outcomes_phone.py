"""The quick consultation form on a phone: three taps and Record, a double tap recording once."""

import pytest

from tests.e2e.test_layout_phone import overflow_of, sign_in
from tests.inventory.test_outcomes import count_outcome_rows

pytestmark = pytest.mark.e2e


def test_three_taps_and_record_on_a_phone_and_a_double_tap_records_once(
    app, live_server, phone, make_user, point
):
    staff = make_user("staff", username="outcome-staff")
    sign_in(phone, live_server, staff)
    phone.goto(f"{live_server}/outcomes/consultations/new")
    assert overflow_of(phone) == 0
    # The location box is there only once she heard of us through a pack or a QR.
    assert not phone.get_by_label("どの拠点か").is_visible()
    phone.get_by_text("LINE", exact=True).click()
    phone.get_by_text("継続", exact=True).click()
    phone.get_by_text("設置場所のパック", exact=True).click()
    assert phone.get_by_label("どの拠点か").is_visible()
    phone.get_by_label("どの拠点か").select_option(str(point.id))
    phone.get_by_role("button", name="記録").first.dblclick()
    phone.wait_for_selector(".flash-success")
    assert (
        "記録しました" in phone.locator(".flash-success").inner_text()
        or "1回分だけ" in phone.locator(".flash-success").inner_text()
    )
    assert count_outcome_rows()["consultation_tally"] == 1
    # The next entry starts from this one: the common case is Record alone.
    assert phone.get_by_label("LINE").is_checked()
    assert phone.get_by_label("継続").is_checked()
    assert overflow_of(phone) == 0
