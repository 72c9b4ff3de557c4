"""The house rules that keep one way to do each thing, checked on the source itself.

- SQL runs through `db.session` (inside `unit_of_work()` when it writes): no module reaches
  for the driver, a raw connection or a second engine. The only exceptions are named below
  with their reason.
- Dependencies point one way: `blueprints → inventory, labels`; `inventory` never imports
  Flask's request world or `blueprints`; `labels` imports nothing of ours.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = sorted([*ROOT.glob("inventory/**/*.py"), *ROOT.glob("blueprints/**/*.py"), ROOT / "app.py"])

# Ways around the session: a raw driver, a connection of one's own, or SQL text run on the side.
BYPASSES = {
    "driver_sql",
    "exec_driver_sql",
    "driver_connection",
    "raw_connection",
    "connection",
    "sqlite3",
    "psycopg",
    "psycopg2",
    "create_engine",
    "connect",
}
ALLOWED = {
    # The SQLAlchemy recipe for SQLite's BEGIN (IMMEDIATE): it has to be sent as the driver's text.
    ("inventory/core/db.py", "exec_driver_sql"),
    # unit_of_work() opens the session's transaction with the option that makes that BEGIN IMMEDIATE.
    ("inventory/core/db.py", "connection"),
    # After a purge: a WAL checkpoint or VACUUM FULL, which must run outside any transaction.
    ("inventory/core/db.py", "connect"),
    # SQLite's online backup API copies pages, not rows: it works on the file, beside the session.
    ("inventory/core/backup.py", "sqlite3"),
    ("inventory/core/backup.py", "connect"),
}


def _names_used(path: Path) -> set[str]:
    """Every imported module name and every attribute or function name a module uses."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {part for alias in node.names for part in alias.name.split(".")}
        elif isinstance(node, ast.ImportFrom):
            names |= set((node.module or "").split(".")) | {alias.name for alias in node.names}
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def _imports(path: Path) -> set[str]:
    """The modules a file imports (absolute names; relative ones stay inside their package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("path", APP_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_runs_only_through_the_session(path):
    relative = str(path.relative_to(ROOT))
    bypasses = {name for name in _names_used(path) & BYPASSES if (relative, name) not in ALLOWED}
    assert not bypasses, f"{relative} goes around db.session: {sorted(bypasses)}"


def test_the_check_would_catch_a_module_that_runs_sql_on_the_driver(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "from inventory.core.db import db\n"
        "def f():\n    return db.session.connection().connection.driver_connection.execute('x')\n"
    )
    assert {"connection", "driver_connection"} <= _names_used(sneaky) & BYPASSES


@pytest.mark.parametrize(
    "path", sorted(ROOT.glob("inventory/**/*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_domain_imports_neither_flask_nor_blueprints(path):
    imported = _imports(path)
    assert not {name for name in imported if name.split(".")[0] in {"flask", "flask_login", "blueprints"}}, (
        f"{path.relative_to(ROOT)} imports {sorted(imported)}"
    )


@pytest.mark.parametrize("path", sorted(ROOT.glob("labels/**/*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_labels_import_nothing_of_ours(path):
    ours = {name for name in _imports(path) if name.split(".")[0] in {"inventory", "blueprints", "app"}}
    assert not ours, f"{path.relative_to(ROOT)} imports {sorted(ours)}"


def test_each_package_of_the_domain_keeps_its_tables_in_models_py():
    for path in ROOT.glob("inventory/**/*.py"):
        tree = ast.parse(path.read_text())
        tables = [
            node.name
            for node in tree.body
            if isinstance(node, ast.ClassDef)
            and any(ast.unparse(base) in {"Model", "db.Model"} for base in node.bases)
        ]
        assert path.name == "models.py" or not tables, f"{path.relative_to(ROOT)} defines tables {tables}"
