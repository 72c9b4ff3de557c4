"""The baseline for server benchmarks: a bare Flask app on the same SQLite file.

`GET /` runs one query; `POST /write` commits one durable write (WAL, synchronous=FULL,
BEGIN IMMEDIATE), its writers queued on an flock as the app's are: the floor under a visit.
"""
import fcntl
import os
import sqlite3

from flask import Flask, request

app = Flask("bare")
DATABASE = os.environ["BARE_DATABASE"]


@app.route("/")
def index():
    """One query, a tiny page."""
    with sqlite3.connect(DATABASE) as connection:
        count = connection.execute("SELECT count(*) FROM location").fetchone()[0]
    return f"<!doctype html><html><body><p>{count}</p></body></html>"


@app.route("/write", methods=["POST"])
def write():
    """Store the posted body in one durable transaction; answer with its row id."""
    connection = sqlite3.connect(DATABASE, isolation_level=None, timeout=10)
    try:
        connection.execute("PRAGMA synchronous = FULL")
        with open(f"{DATABASE}-bare-writer.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("CREATE TABLE IF NOT EXISTS bare_write (id INTEGER PRIMARY KEY, body TEXT)")
            row_id = connection.execute("INSERT INTO bare_write (body) VALUES (?)",
                                        (request.get_data(as_text=True),)).lastrowid
            connection.execute("COMMIT")
    finally:
        connection.close()
    return {"id": row_id}, 201
