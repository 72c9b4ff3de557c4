"""The gunicorn settings in gunicorn.conf.py."""

import gc
import importlib.util
from pathlib import Path


def _settings():
    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", Path(__file__).parents[1] / "gunicorn.conf.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_worker_puts_its_start_up_objects_out_of_the_collectors_way():
    assert gc.get_freeze_count() == 0
    try:
        _settings().post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0  # later full collections skip them
    finally:
        gc.unfreeze()
