"""gunicorn's settings for this app, read from the folder gunicorn is started in (see README)."""

import gc


def post_worker_init(worker):
    """Put everything the app built at start-up out of the garbage collector's way.

    Modules, routes, templates, catalogues and SQLAlchemy's mappings are never freed, yet
    a full collection walks them all: 70-100 ms in which the worker answers nobody, three
    times in a worker's first seconds (measured with gc.callbacks under bench_rounds.py).
    Objects made while answering requests are collected as before.
    """
    gc.freeze()
