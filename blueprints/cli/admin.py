"""Command-line tools for operators and scripts: users, backups, demo data."""

from __future__ import annotations

import secrets
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from inventory import demo
from inventory.accounts import users as accounts
from inventory.accounts.models import Role
from inventory.core import backup
from inventory.core.errors import Conflict, InvalidValue, NotFound

users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the app out.")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_command)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _fail(message: str) -> None:
    raise click.ClickException(message)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--email", default=None)
@click.option("--name", "display_name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(username, role, email, display_name, password_stdin):
    """Create an account; the password is prompted for (or read with --password-stdin)."""
    password = _read_password(password_stdin)
    try:
        user = accounts.create_user(username, password, role, email=email, display_name=display_name)
    except Conflict:
        _fail(f"the name or e-mail is already in use: {username}")
    except InvalidValue as error:
        if error.details.get("reason") == "leading_dash":
            _fail("a user name cannot start with '-' (commands would read it as an option)")
        _fail(f"invalid {error.field}: {error.details or 'see the rules in the README'}")
    click.echo(f"created {user.username} ({user.role})")


def _user_by_name(username: str):
    user = accounts.find_user(username)
    if user is None:
        _fail(f"no such user: {username}")
    return user


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(username, password_stdin):
    """Set a new password; the account's login sessions end."""
    user = _user_by_name(username)
    try:
        accounts.set_password(user.id, _read_password(password_stdin))
    except InvalidValue as error:
        _fail(f"invalid password: at least {error.details['minimum']} characters")
    click.echo(f"password set for {user.username}")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate(username):
    """Deactivate an account and end its login sessions."""
    user = _user_by_name(username)
    accounts.set_active(user.id, False)
    click.echo(f"deactivated {user.username}")


@users_cli.command("list")
def list_users():
    """Print one account a line: user name, role, active, e-mail (tab-separated)."""
    for user in accounts.list_users():
        click.echo(
            "\t".join([user.username, user.role, "active" if user.active else "inactive", user.email or ""])
        )


@click.command("backup")
@click.argument("path")
@click.option(
    "--prune-older-than",
    "prune_days",
    type=click.IntRange(min=1),
    default=None,
    metavar="DAYS",
    help="After the backup, delete the backups this command named in that folder that are older.",
)
def backup_command(path, prune_days):
    """Write a consistent copy of the live database to PATH (a file, or a folder to name it in)."""
    try:
        written = backup.backup_database(path)
    except backup.BackupUnsupported as error:
        _fail(str(error))
    click.echo(f"backup written to {written}")
    if prune_days is not None:
        for old in backup.prune_backups(written.parent, prune_days):
            click.echo(f"deleted old backup {old}")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
def seed(if_empty):
    """Fill the database with clearly-marked demo data and a demo account for every role."""
    if if_empty and not demo.database_is_empty():
        click.echo("database already has data; demo seed skipped")
        return
    passwords = {role: secrets.token_urlsafe(12) for role, _name, _display in demo.DEMO_ACCOUNTS}
    try:
        summary = demo.seed(passwords)
    except NotFound as error:
        _fail(str(error))
    click.echo(summary)
    click.echo("demo accounts (passwords shown only this once):")
    for role, username, _display in demo.DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<9}  user name '{username}', password '{passwords[role]}'")
    click.echo("missed one? set a new one: flask --app app users set-password demo-staff")
