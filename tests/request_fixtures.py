"""Request fixtures for every test folder: mailed requests, linked schools, request table counts."""

from __future__ import annotations

import pytest

from tests.ledger_fixtures import count_rows, fresh_key

MAIL = dict(recipient_name="さくら", postal_code="090-0018", address="北見市青葉町1-1", address2="")


@pytest.fixture
def mail_request(app):
    """Record a mailed request by phone: mail_request(quantity=1, **personal overrides) -> request id."""
    from inventory.requests import services as requests

    def make(quantity=1, key=None, **overrides):
        return requests.create_individual_request(
            quantity=quantity,
            delivery="mail",
            channel="phone",
            idempotency_key=key or fresh_key(),
            **{**MAIL, **overrides},
        ).request_id

    return make


@pytest.fixture
def school_of(app, make_user):
    """A school account linked to the given locations: school_of(location, ...) -> user."""
    from inventory.requests import schools

    def make(*locations, **kwargs):
        user = make_user("school", **kwargs)
        for location in locations:
            schools.link(user.id, location.id)
        return user

    return make


@pytest.fixture
def table_counts(app):
    """Rows in the request tables, to prove a refusal stored nothing."""
    return lambda: count_rows(
        (
            "pack_request",
            "request_personal_data",
            "public_request_attempt",
            "personal_data_access",
            "stock_movement",
        )
    )
