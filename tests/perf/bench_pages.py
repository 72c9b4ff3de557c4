"""Server time of a signed-in page through the WSGI app, beside a bare Flask app doing one query."""
import sqlite3

from benchlib import percentiles, report, scratch_app, time_calls
from flask import Flask

N = 1000


def bare_app(database_path):
    """The baseline: Flask, one query on the same SQLite file, a tiny template."""
    bare = Flask("bare")

    @bare.route("/")
    def index():
        with sqlite3.connect(database_path) as connection:
            count = connection.execute("SELECT count(*) FROM user").fetchone()[0]
        return f"<html><body>{count}</body></html>"
    return bare


def main():
    app, path = scratch_app()
    with app.app_context():
        from inventory.accounts import users as accounts
        accounts.create_user("bench-volunteer", "bench-password-1", "volunteer")
        accounts.create_user("bench-staff", "bench-password-1", "staff")
    rows = []
    bare = bare_app(path).test_client()
    rows.append(("bare Flask + 1 query", percentiles(time_calls(lambda: bare.get("/"), N))))
    for username in ("bench-volunteer", "bench-staff"):
        client = app.test_client()
        assert client.post("/login", data={"login": username, "password": "bench-password-1"}).status_code == 302

        def home(client=client):
            response = client.get("/")
            assert response.status_code == 200
        rows.append((f"home page signed in ({username})", percentiles(time_calls(home, N))))
    login_page = app.test_client()
    rows.append(("login page (anonymous)", percentiles(time_calls(lambda: login_page.get("/login"), N))))
    report(f"Signed-in pages on SQLite, {N} requests each through the WSGI app", rows, "bare Flask + 1 query")


if __name__ == "__main__":
    main()
