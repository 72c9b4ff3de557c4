"""The baseline for server benchmarks: a bare Flask app on the same database as the app.

`GET /` runs one query. `POST /visit` takes the API's visit body and runs the visit's
statements (bare_visit.py) on a plain driver connection in one transaction: on SQLite with
the app's pragmas and BEGIN IMMEDIATE, on PostgreSQL with psycopg. Nothing queues the writers
but the database itself, as in the app. BARE_DATABASE_URL is sqlite:///FILE or postgresql://...
"""

import json
import os
import sqlite3
import threading

import bare_visit
from flask import Flask, request

app = Flask("bare")
URL = os.environ["BARE_DATABASE_URL"]
SQLITE_FILE = URL.removeprefix("sqlite:///") if URL.startswith("sqlite:///") else None
_local = threading.local()


def connection():
    """This thread's open connection, as the app's pool keeps one (opened after gunicorn forks)."""
    if getattr(_local, "connection", None) is None:
        if SQLITE_FILE:
            _local.connection = bare_visit.connect_sqlite(SQLITE_FILE)
        else:
            import psycopg

            _local.connection = psycopg.connect(URL, autocommit=True)
    return _local.connection


@app.route("/")
def index():
    """One query, a tiny page; on SQLite on a connection of its own, as bench_pages.py's baseline."""
    if SQLITE_FILE:
        with sqlite3.connect(SQLITE_FILE) as database:
            count = database.execute("SELECT count(*) FROM location").fetchone()[0]
    else:
        count = connection().execute("SELECT count(*) FROM location").fetchone()[0]
    return f"<!doctype html><html><body><p>{count}</p></body></html>"


@app.route("/visit", methods=["POST"])
def visit():
    """Record the posted visit; 201 with its id, 200 when its key was seen before."""
    body = json.loads(request.get_data())
    database = connection()
    if SQLITE_FILE:
        options = {"sql": bare_visit.SQLITE}
    else:
        options = {"sql": bare_visit.POSTGRES, "now": bare_visit.postgres_now, "begin": "BEGIN"}
    location_id = database.execute(options["sql"]["LOCATION_BY_CODE"], (body["location_code"],)).fetchone()[0]
    visit_id = bare_visit.record_visit(
        database, location_id, body["counted"], body["added"], body["idempotency_key"], **options
    )
    return {"visit_id": visit_id}, 200 if visit_id is None else 201
