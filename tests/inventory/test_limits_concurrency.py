"""Limits counted in the database hold when the attempts arrive all at once (issue #17).

Each attempt runs in a thread of its own with its own app context, so its own session and its
own database connection, as requests on several app servers would. On PostgreSQL the count and
the insert used to interleave: 24 simultaneous wrong passwords got 11 checked, 20 simultaneous
public requests from one address got 10 accepted.
"""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from inventory.accounts import users as accounts
from inventory.accounts.errors import InvalidCredentials, LoginThrottled
from inventory.accounts.models import LoginFailure
from inventory.accounts.passwords import verify_password
from inventory.core.db import db
from inventory.requests.errors import RateLimited
from inventory.requests.models import PackRequest, PublicRequestAttempt
from inventory.requests.public import PUBLIC_LIMIT, submit_public_request
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow  # threads racing: `make test-fast` leaves them out
ACCOUNT_LIMIT = accounts.THROTTLE_LIMITS["account"]


def all_at_once(app, attempts: list, expected: dict[type, str]) -> list[str]:
    """Run the callables at the same moment, one thread each; return what each one ended in.

    An outcome is "ok", the name `expected` gives the exception it raised, or its repr (which
    fails the caller's comparison).
    """
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def run(attempt):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                attempt()
                outcomes.append("ok")
            except tuple(expected) as error:
                outcomes.append(expected[type(error)])
            except Exception as error:  # anything else fails the test
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes)


def failures() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure))


@pytest.mark.parametrize(
    "typed",
    [["target"] * 24, ["target", "TARGET@example.jp"] * 12],
    ids=["by-name", "by-name-and-email"],
)
def test_simultaneous_wrong_passwords_for_one_account_check_exactly_the_limit(app, make_user, typed):
    make_user("staff", username="target", email="target@example.jp")
    db.session.remove()

    def attempt(login_name):
        return lambda: accounts.login(login_name, "wrong-password", address=None)

    outcomes = all_at_once(
        app,
        [attempt(name) for name in typed],
        {InvalidCredentials: "checked", LoginThrottled: "throttled"},
    )

    assert outcomes == ["checked"] * ACCOUNT_LIMIT + ["throttled"] * (len(typed) - ACCOUNT_LIMIT)
    assert failures() == ACCOUNT_LIMIT
    with pytest.raises(LoginThrottled):  # the right password now waits too
        accounts.login("target", PASSWORD, address=None)


def test_simultaneous_wrong_current_passwords_in_the_password_change_check_exactly_the_limit(app, make_user):
    user_id = make_user("staff", username="stolen-session").id
    db.session.remove()
    tries = 12

    def attempt():
        accounts.change_own_password(accounts.get_user(user_id), "wrong-password", "a-new-long-password")

    outcomes = all_at_once(
        app, [attempt] * tries, {InvalidCredentials: "checked", LoginThrottled: "throttled"}
    )

    assert outcomes == ["checked"] * ACCOUNT_LIMIT + ["throttled"] * (tries - ACCOUNT_LIMIT)
    assert failures() == ACCOUNT_LIMIT
    assert verify_password(accounts.get_user(user_id).password_hash, PASSWORD)  # unchanged
    with pytest.raises(LoginThrottled):  # the login form counts the same guesses
        accounts.login("stolen-session", PASSWORD, address=None)


def test_simultaneous_public_requests_from_one_address_accept_exactly_the_limit(app):
    senders = 20

    def attempt():
        submit_public_request(
            quantity=1, delivery="pickup", address_key="same-address", idempotency_key=uuid.uuid4().hex
        )

    outcomes = all_at_once(app, [attempt] * senders, {RateLimited: "limited"})

    assert outcomes == ["limited"] * (senders - PUBLIC_LIMIT) + ["ok"] * PUBLIC_LIMIT
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PackRequest)) == PUBLIC_LIMIT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicRequestAttempt)) == PUBLIC_LIMIT
