"""The baseline for server benchmarks: a bare Flask page doing one query on the same SQLite file."""
import os
import sqlite3

from flask import Flask

app = Flask("bare")
DATABASE = os.environ["BARE_DATABASE"]


@app.route("/")
def index():
    """One query, a tiny page."""
    with sqlite3.connect(DATABASE) as connection:
        count = connection.execute("SELECT count(*) FROM location").fetchone()[0]
    return f"<!doctype html><html><body><p>{count}</p></body></html>"
