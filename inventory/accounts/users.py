"""User accounts, roles, server-side login sessions and login throttling."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from inventory.accounts.errors import InvalidCredentials, LoginThrottled
from inventory.accounts.models import (
    MAX_NAME_LENGTH,
    LoginFailure,
    LoginSession,
    Role,
    User,
)
from inventory.accounts.passwords import hash_password, needs_rehash, verify_password
from inventory.core.clock import utcnow
from inventory.core.db import db, lock_for_transaction, unit_of_work
from inventory.core.errors import Conflict, InvalidValue, NotFound

LOCALES = ("ja", "en")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# Office sessions end after an hour without use; phones may stay signed in for 30 days.
IDLE_TIMEOUT = {Role.ADMIN: timedelta(hours=1), Role.STAFF: timedelta(hours=1)}
DEFAULT_IDLE_TIMEOUT = timedelta(hours=12)
REMEMBER_FOR = timedelta(days=30)
REMEMBER_ROLES = frozenset({Role.VOLUNTEER, Role.SCHOOL})
# Recording every request would make each page view a write; minutes are precise enough.
LAST_SEEN_GRANULARITY = timedelta(minutes=5)
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LIMITS = {"account": 5, "address": 20}


@dataclass(frozen=True)
class LoginResult:
    """A successful login: who, and the token of the new login session."""

    user: User
    token: str


def normalize_name(value: str | None) -> str:
    """Normalise a login name or e-mail the way it is stored: NFKC, trimmed, lower case."""
    return unicodedata.normalize("NFKC", value or "").strip().lower()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password_rules(password: str) -> None:
    if not (MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH):
        raise InvalidValue(
            "password length", field="password", minimum=MIN_PASSWORD_LENGTH, maximum=MAX_PASSWORD_LENGTH
        )


def _check_username(username: str) -> None:
    if not username or len(username) > MAX_NAME_LENGTH:
        raise InvalidValue("username length", field="username", maximum=MAX_NAME_LENGTH)
    if any(not (ch.isascii() and (ch.isalnum() or ch in "._-@")) for ch in username):
        raise InvalidValue("username characters", field="username")
    if username.startswith("-"):
        # `flask set-password -1` would read the name as an option: the CLI could not reach it.
        raise InvalidValue("username starts with -", field="username", reason="leading_dash")


def find_user(login: str) -> User | None:
    """Find an account by user name or e-mail, case-insensitively."""
    key = normalize_name(login)
    if not key:
        return None
    return db.session.scalar(sa.select(User).where(sa.or_(User.username == key, User.email == key)))


def get_user(user_id: int) -> User:
    """Load a user by id or raise NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    return user


def list_users() -> list[User]:
    """Every account, by user name."""
    return list(db.session.scalars(sa.select(User).order_by(User.username)))


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    email: str | None = None,
    display_name: str = "",
    locale: str = "ja",
) -> User:
    """Create an account; the name and e-mail must be free."""
    username = normalize_name(username)
    email = normalize_name(email) or None
    _check_username(username)
    _check_password_rules(password)
    role = Role(role)
    with unit_of_work() as session:
        taken = session.scalar(
            sa.select(User.id).where(
                sa.or_(
                    User.username.in_([username, email or username]),
                    User.email.in_([username, email or username]),
                )
            )
        )
        if taken is not None:
            raise Conflict("name taken", field="username")
        user = User(
            username=username,
            email=email,
            display_name=display_name.strip()[:100],
            password_hash=hash_password(password),
            role=role.value,
            locale=locale if locale in LOCALES else "ja",
        )
        session.add(user)
    return user


def update_user(user_id: int, *, role: str, display_name: str, email: str | None, locale: str) -> User:
    """Change an account's role, name, e-mail or language."""
    email = normalize_name(email) or None
    role = Role(role)
    with unit_of_work() as session:
        user = get_user(user_id)
        if email and session.scalar(
            sa.select(User.id).where(sa.or_(User.email == email, User.username == email), User.id != user.id)
        ):
            raise Conflict("e-mail taken", field="email")
        user.role, user.email = role.value, email
        user.display_name = display_name.strip()[:100]
        user.locale = locale if locale in LOCALES else "ja"
    return user


def set_password(user_id: int, password: str, *, keep_token: str | None = None) -> None:
    """Set a new password and end the user's login sessions (all but `keep_token`'s)."""
    _check_password_rules(password)
    with unit_of_work():
        user = get_user(user_id)
        user.password_hash = hash_password(password)
        _end_sessions(user.id, except_hash=_hash_token(keep_token) if keep_token else None)


def change_own_password(user: User, current: str, new: str, *, now: datetime | None = None) -> None:
    """Change a password after checking the current one; other sessions end.

    A wrong current password counts as a failed login of the account, so a stolen session
    cannot guess the password here once the login form would refuse.
    """
    _check_password_rules(new)
    now = now or utcnow()
    keys = [_account_key(user, user.username)]
    keep = _hash_token(user.session_token) if user.session_token else None
    with unit_of_work() as session:
        _take_turn(keys)
        if _throttled(keys, now):
            raise LoginThrottled("throttled", retry_minutes=int(THROTTLE_WINDOW.total_seconds() // 60))
        account = get_user(user.id)
        if verify_password(account.password_hash, current or ""):
            account.password_hash = hash_password(new)
            _end_sessions(account.id, except_hash=keep)
            return
        _record_failures(session, keys, now)
    raise InvalidCredentials("wrong current password", field="current_password")


def set_active(user_id: int, active: bool) -> None:
    """Deactivate (ending every session) or reactivate an account."""
    with unit_of_work():
        user = get_user(user_id)
        user.active = active
        if not active:
            _end_sessions(user.id)


def set_locale(user_id: int, locale: str) -> None:
    """Remember the user's interface language."""
    if locale not in LOCALES:
        raise InvalidValue("locale", field="locale")
    with unit_of_work():
        get_user(user_id).locale = locale


def _end_sessions(user_id: int, except_hash: str | None = None) -> None:
    query = sa.update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
    if except_hash:
        query = query.where(LoginSession.token_hash != except_hash)
    db.session.execute(query.values(ended_at=utcnow()))


def _account_key(user: User | None, login: str) -> tuple[str, str]:
    # An existing account is counted as one, whether it is typed by name or by e-mail; a name
    # that matches no account is counted as typed (the prefixes keep the two apart).
    if user is not None:
        return ("account", f"user {user.id}")
    return ("account", f"name {normalize_name(login)}"[:255])


def _throttle_keys(user: User | None, login: str, address: str | None) -> list[tuple[str, str]]:
    keys = [_account_key(user, login)]
    if address:
        keys.append(("address", address[:255]))
    return keys


def _take_turn(keys) -> None:
    # Attempts on one account or from one address are counted, checked and recorded one after
    # another; otherwise simultaneous guesses on PostgreSQL all count below the limit.
    lock_for_transaction(*(f"login {scope} {key}" for scope, key in keys))


def _record_failures(session, keys, now: datetime) -> None:
    for scope, key in keys:
        session.add(LoginFailure(scope=scope, key=key, occurred_at=now))


def _throttled(keys, now: datetime) -> bool:
    since = now - THROTTLE_WINDOW
    for scope, key in keys:
        count = db.session.execute(
            sa.select(sa.func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.occurred_at > since)
        ).scalar_one()
        if count >= THROTTLE_LIMITS[scope]:
            return True
    return False


def login(
    login_name: str,
    password: str,
    *,
    address: str | None,
    remember: bool = False,
    now: datetime | None = None,
) -> LoginResult:
    """Check the credentials and start a login session, or raise InvalidCredentials/LoginThrottled.

    Failures are counted in the database, so the limit holds across app processes; a
    throttled attempt is refused before the password is even checked. Attempts on the same
    account or from the same address take their turn (lock_for_transaction): counted, checked
    and recorded one after another, so simultaneous guesses cannot all pass the count.
    """
    now = now or utcnow()
    with unit_of_work() as session:
        user = find_user(login_name)
        keys = _throttle_keys(user, login_name, address)
        _take_turn(keys)
        if _throttled(keys, now):
            raise LoginThrottled("throttled", retry_minutes=int(THROTTLE_WINDOW.total_seconds() // 60))
        ok = verify_password(user.password_hash if user else None, password or "")
        if user is None or not (ok and user.active):
            _record_failures(session, keys, now)
        else:
            session.execute(
                sa.delete(LoginFailure).where(LoginFailure.scope == "account", LoginFailure.key == keys[0][1])
            )
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            token = secrets.token_urlsafe(32)
            session.add(
                LoginSession(
                    token_hash=_hash_token(token),
                    user_id=user.id,
                    remember=bool(remember) and user.role in REMEMBER_ROLES,
                    created_at=now,
                    last_seen_at=now,
                )
            )
    if user is None or not (ok and user.active):
        raise InvalidCredentials("invalid credentials")
    user.session_token = token
    return LoginResult(user=user, token=token)


# Built once: this runs on every signed-in request, and a prebuilt statement keeps its cache key.
# The login session's own columns come as a plain row: only the user is needed as an object.
_LIVE_SESSION = (
    sa.select(
        LoginSession.id, LoginSession.remember, LoginSession.created_at, LoginSession.last_seen_at, User
    )
    .join(User, User.id == LoginSession.user_id)
    .where(LoginSession.token_hash == sa.bindparam("token_hash"), LoginSession.ended_at.is_(None))
)


def load_session(token: str, now: datetime | None = None) -> User | None:
    """Return the user of a live login session, or None when it ended, expired or is unknown."""
    if not token:
        return None
    now = now or utcnow()
    row = db.session.execute(_LIVE_SESSION, {"token_hash": _hash_token(token)}).first()
    if row is None:
        return None
    login_session, user = row, row.User
    limit = REMEMBER_FOR if login_session.remember else IDLE_TIMEOUT.get(user.role, DEFAULT_IDLE_TIMEOUT)
    reference = login_session.created_at if login_session.remember else login_session.last_seen_at
    if not user.active or now - reference > limit:
        return None
    if now - login_session.last_seen_at > LAST_SEEN_GRANULARITY:
        session_id = login_session.id
        with unit_of_work() as session:
            session.execute(
                sa.update(LoginSession).where(LoginSession.id == session_id).values(last_seen_at=now)
            )
        user = db.session.get(User, user.id)
    user.session_token = token
    return user


def logout(token: str) -> None:
    """End one login session on the server."""
    with unit_of_work() as session:
        session.execute(
            sa.update(LoginSession)
            .where(LoginSession.token_hash == _hash_token(token), LoginSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def session_uses_remember(token: str) -> bool:
    """Whether the login session was started with "remember me"."""
    return bool(
        db.session.scalar(
            sa.select(LoginSession.remember).where(LoginSession.token_hash == _hash_token(token))
        )
    )
