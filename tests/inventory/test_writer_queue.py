"""SQLite writers of every process take turns on an flock beside the database file."""
from __future__ import annotations

import fcntl
import multiprocessing
import os
import time

import pytest

from inventory.db import _SqliteWriterQueue

HOLD_SECONDS = 0.3


def _holds_the_lock(path: str) -> bool:
    """Whether some writer holds the turn (asked through a separate open file description)."""
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _take_turn(path: str, ready, results) -> None:
    """In another process: wait for the turn, report the moment it came (CLOCK_MONOTONIC)."""
    queue = _SqliteWriterQueue()
    ready.set()
    with queue.turn(path):
        results.put(time.monotonic())


def test_a_nested_turn_keeps_the_lock_until_the_outer_one_ends(tmp_path):
    path = str(tmp_path / "app.db")
    queue = _SqliteWriterQueue()
    with queue.turn(path):
        with queue.turn(path):
            assert _holds_the_lock(path)
        assert _holds_the_lock(path)
    assert not _holds_the_lock(path)


def test_a_writer_in_another_process_waits_and_starts_as_soon_as_the_turn_ends(tmp_path):
    path = str(tmp_path / "app.db")
    context = multiprocessing.get_context("spawn")
    ready, results = context.Event(), context.Queue()
    queue = _SqliteWriterQueue()
    with queue.turn(path):
        other = context.Process(target=_take_turn, args=(path, ready, results))
        other.start()
        assert ready.wait(timeout=30)
        time.sleep(HOLD_SECONDS)  # the other process is now blocked on the lock
        released = time.monotonic()
    started = results.get(timeout=30)
    other.join(timeout=30)
    assert started >= released  # it waited for the turn ...
    assert started - released < 0.1  # ... and did not sleep in a busy handler's 100 ms steps


@pytest.mark.parametrize("database", [None, ":memory:"])
def test_a_database_without_a_file_queues_threads_only(database):
    queue = _SqliteWriterQueue()
    with queue.turn(database):
        assert queue._files == {}
