"""A throwaway PostgreSQL cluster for the test run, and the pytest plugin that provides it.

pytest.ini loads this module as a plugin (`-p tests.postgres_server`). When pytest starts, it decides
where the PostgreSQL pass (the "postgresql" value of the `database` fixture in tests/conftest.py) runs:

- TEST_DATABASE_URL is set: on that database, as before.
- PostgreSQL's server programs are installed (initdb and pg_ctl on PATH, or the newest
  /usr/lib/postgresql/*/bin): on a cluster made for this run in a temporary folder (trust
  authentication, a unix socket inside the folder and 127.0.0.1 on a free port, fsync off).
  TEST_DATABASE_URL is set to its test database; the cluster is stopped and deleted when pytest ends,
  also after a failure or Ctrl-C.
- Neither, or TEST_BACKENDS leaves "postgresql" out (`TEST_BACKENDS=sqlite`, as `make test-fast`
  does): the PostgreSQL cases are skipped with a one-line reason. TEST_BACKENDS is a comma-separated
  list of backends to run, all of them when unset.

initdb refuses to run as root, so as root (as CI runs) the server runs as the user postgres, or
nobody where there is no such user.

Outside pytest:

    with throwaway_cluster() as cluster:
        print(cluster.url)
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BACKENDS = ("sqlite", "postgresql")
ROLE = "tsunagari_test"
DATABASE = "tsunagari_test"
HOW_TO_ENABLE = "install PostgreSQL server (apt-get install postgresql) or set TEST_DATABASE_URL"
# What the server needs to be quick and disposable; losing data on a crash is fine here.
SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
"""


@dataclass
class Cluster:
    """A running throwaway cluster: where it lives and how to reach its test database."""

    bindir: Path
    folder: Path
    port: int
    version: str
    user: pwd.struct_passwd | None  # the unprivileged user it runs as when we are root
    stopped: bool = False

    @property
    def url(self) -> str:
        """The test database's URL, in the form TEST_DATABASE_URL takes."""
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"


def find_bindir() -> Path | None:
    """The folder of PostgreSQL's server programs: PATH first, else the newest /usr/lib/postgresql/*/bin."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        # Debian links the programs into PATH at most; the folder beside the real file has them all.
        return Path(initdb).resolve().parent
    versions = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            number = tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name))
            versions.append((number, bindir))
    return max(versions)[1] if versions else None


def start(bindir: Path) -> Cluster:
    """Create and start a cluster in a new temporary folder, with the test role and database."""
    user = _server_user()
    folder = Path(tempfile.mkdtemp(prefix="tsunagari-pg-"))
    (folder / "socket").mkdir()
    if user:
        for path in (folder, folder / "socket"):
            os.chown(path, user.pw_uid, user.pw_gid)
    output = _run(user, [bindir / "postgres", "--version"], folder).stdout
    version = re.search(r"\(PostgreSQL\) (\S+)", output).group(1)
    cluster = Cluster(bindir=bindir, folder=folder, port=_free_port(), version=version, user=user)
    try:
        # The role initdb creates is a superuser, which the backup test needs to create a database.
        _run(
            user,
            [
                bindir / "initdb",
                "-D",
                folder / "data",
                "-U",
                ROLE,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            folder,
        )
        with open(folder / "data" / "postgresql.conf", "a") as conf:
            conf.write(SETTINGS.format(port=cluster.port, socket_dir=folder / "socket"))
        # A session of its own, so Ctrl-C reaches pytest (which then stops the server) and not the server.
        _run(
            user,
            [
                bindir / "pg_ctl",
                "-D",
                folder / "data",
                "-l",
                folder / "server.log",
                "-w",
                "-t",
                "60",
                "start",
            ],
            folder,
            start_new_session=True,
        )
        _create_database(cluster)
    except BaseException:
        stop(cluster)
        raise
    return cluster


def stop(cluster: Cluster) -> None:
    """Stop the cluster's server, if it runs, and delete its folder; safe to call twice."""
    if cluster.stopped:
        return
    cluster.stopped = True
    if (cluster.folder / "data" / "postmaster.pid").exists():
        # Immediate: the data is thrown away anyway, and open connections must not hold up the stop.
        _run(
            cluster.user,
            [cluster.bindir / "pg_ctl", "-D", cluster.folder / "data", "-m", "immediate", "-w", "stop"],
            cluster.folder,
            check=False,
        )
    shutil.rmtree(cluster.folder, ignore_errors=True)


@contextlib.contextmanager
def throwaway_cluster(bindir: Path | None = None):
    """Run a throwaway cluster for the duration of a with block; yields the Cluster."""
    bindir = bindir or find_bindir()
    if bindir is None:
        raise RuntimeError(f"PostgreSQL server programs not found: {HOW_TO_ENABLE}")
    cluster = start(bindir)
    try:
        yield cluster
    finally:
        stop(cluster)


def selected_backends() -> list[str]:
    """The backends TEST_BACKENDS asks for (comma-separated), all of them when it is unset."""
    chosen = os.environ.get("TEST_BACKENDS", "").replace(",", " ").split()
    unknown = set(chosen) - set(BACKENDS)
    if unknown:
        raise pytest.UsageError(
            f"TEST_BACKENDS: unknown backend {', '.join(sorted(unknown))}; choose from {', '.join(BACKENDS)}"
        )
    return chosen or list(BACKENDS)


def _server_user() -> pwd.struct_passwd | None:
    """The user to run the server as: None to stay ourselves, postgres or nobody when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL")


def _run(user, command, cwd, check=True, **options) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program, as `user` when given; a failure raises with the program's output."""
    if user:
        options.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, **options
    )
    if check and result.returncode != 0:
        log = Path(cwd) / "server.log"
        server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(
            f"{' '.join(str(part) for part in command)} failed:\n{result.stdout}{result.stderr}{server_log}"
        )
    return result


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _create_database(cluster: Cluster) -> None:
    """Create the test database in the new cluster."""
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user=ROLE, dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


# ---- the pytest plugin -----------------------------------------------------------------------

_cluster: Cluster | None = None
_skip_reasons: dict[str, str] = {}  # backend -> why its cases are skipped
_header = ""


def pytest_configure(config):
    """Decide where the PostgreSQL pass runs, starting a throwaway cluster when that is the way."""
    global _cluster, _header
    backends = selected_backends()
    for backend in BACKENDS:
        if backend not in backends:
            _skip_reasons[backend] = f"TEST_BACKENDS={os.environ['TEST_BACKENDS']}"
    if "postgresql" not in backends:
        _header = f"PostgreSQL pass: skipped ({_skip_reasons['postgresql']})"
        return
    if os.environ.get("TEST_DATABASE_URL"):
        place = urlsplit(os.environ["TEST_DATABASE_URL"])
        # Host, port and database only: the URL may carry a password.
        _header = f"PostgreSQL pass: TEST_DATABASE_URL ({place.hostname}:{place.port or 5432}{place.path})"
        return
    bindir = find_bindir()
    if bindir is None:
        _skip_reasons["postgresql"] = f"PostgreSQL pass skipped: {HOW_TO_ENABLE}"
        _header = _skip_reasons["postgresql"]
        return
    if config.option.help or config.option.collectonly:
        _header = f"PostgreSQL pass: a throwaway cluster from {bindir} when tests run"
        return
    _cluster = start(bindir)
    # A backstop for ways out that skip pytest_unconfigure; stop() does nothing the second time.
    atexit.register(stop, _cluster)
    os.environ["TEST_DATABASE_URL"] = _cluster.url
    run_as = f", run as {_cluster.user.pw_name}" if _cluster.user else ""
    _header = (
        f"PostgreSQL pass: throwaway cluster {_cluster.version} at {_cluster.folder} "
        f"(127.0.0.1:{_cluster.port}{run_as})"
    )


def pytest_report_header(config):
    """Say at the top of the run which PostgreSQL the PostgreSQL pass uses."""
    return _header


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip a case whose backend is not available or not selected, before its fixtures start."""
    callspec = getattr(item, "callspec", None)
    backend = callspec.params.get("database") if callspec else None
    if backend in _skip_reasons:
        pytest.skip(_skip_reasons[backend])


def pytest_unconfigure(config):
    """Stop and delete the throwaway cluster, and forget its URL."""
    global _cluster
    if _cluster is not None:
        if os.environ.get("TEST_DATABASE_URL") == _cluster.url:
            del os.environ["TEST_DATABASE_URL"]
        stop(_cluster)
        _cluster = None
