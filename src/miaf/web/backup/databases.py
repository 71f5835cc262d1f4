"""Copy the database out and in: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore.

Both are safe while the app runs: SQLite's backup API copies a consistent snapshot (it restarts if another
connection writes meanwhile), and ``pg_dump`` reads inside one repeatable-read transaction.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

Progress = Callable[[int, int], object]  # (done, total) in pages or items

#: Pages copied per step of the SQLite backup API; between steps other connections may write.
PAGES_PER_STEP = 256


def engine_of(db: dict) -> str:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise ValueError(f"backups support SQLite and PostgreSQL, not {engine}")


def dump_file_name(engine: str) -> str:
    return "database/miaf.sqlite3" if engine == "sqlite" else "database/miaf.pgdump"


# --- SQLite ---------------------------------------------------------------------------------------------


def sqlite_dump(name: str, out: Path, progress: Progress | None = None) -> None:
    if not Path(name).is_file():
        raise FileNotFoundError(f"{name}: the SQLite database does not exist")
    src = sqlite3.connect(f"file:{name}?mode=ro", uri=True, timeout=20)
    dst = sqlite3.connect(out)
    try:
        src.backup(dst, pages=PAGES_PER_STEP, progress=_sqlite_progress(progress))
        # A self-contained file: no WAL beside it, so the archive holds the whole database.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def sqlite_restore(dump: Path, name: str, progress: Progress | None = None) -> None:
    """Copy ``dump`` over the database ``name`` page by page; the backup API replaces it as one write."""
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    dst = sqlite3.connect(name, timeout=20)
    try:
        src.backup(dst, pages=PAGES_PER_STEP, progress=_sqlite_progress(progress))
    finally:
        dst.close()
        src.close()


def _sqlite_progress(progress: Progress | None):  # noqa: ANN202
    if progress is None:
        return None
    return lambda status, remaining, total: progress(total - remaining, total)


# --- PostgreSQL -----------------------------------------------------------------------------------------


def pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} not found: install the PostgreSQL client tools (apt install postgresql-client)")
    return path


def pg_dump(db: dict, out: Path) -> None:
    cmd = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(out)]
    result = subprocess.run(cmd, env=pg_env(db), capture_output=True, text=True)
    if result.returncode != 0:
        raise ValueError(f"pg_dump failed: {_last_line(result.stderr)}")


def pg_restore(db: dict, dump: Path, progress: Progress | None = None) -> None:
    """Restore ``dump`` in one transaction; the progress counts pg_restore's table-of-contents entries."""
    tool = _tool("pg_restore")
    env = pg_env(db)
    listing = subprocess.run([tool, "--list", str(dump)], env=env, capture_output=True, text=True)
    if listing.returncode != 0:
        raise ValueError(f"pg_restore cannot read the dump: {_last_line(listing.stderr)}")
    total = sum(1 for line in listing.stdout.splitlines() if line and not line.startswith(";"))
    cmd = [tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--verbose",
           "--dbname", str(db["NAME"]), str(dump)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    done, tail = 0, ""
    for line in proc.stderr:  # type: ignore[union-attr]
        tail = line.strip() or tail
        if re.match(r"pg_restore: (creating|processing|executing)", line):
            done += 1
            if progress is not None:
                progress(min(done, total), total)
    if proc.wait() != 0:
        raise ValueError(f"pg_restore failed: {tail}")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


# --- either -----------------------------------------------------------------------------------------------


def drop_all_tables(connection) -> None:  # noqa: ANN001
    """Empty a PostgreSQL database of Django's tables before pg_restore recreates them (one transaction)."""
    from django.db import transaction

    tables = connection.introspection.table_names(include_views=False)
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
