"""Run ``miaf`` as a separate process against its own var folder and database, and read every table back."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

DEMO_FAMILIES = "20"


def miaf_env(var_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"MIAF_VAR_DIR": str(var_dir), "MIAF_TESTING": "true", "DJANGO_SETTINGS_MODULE": "miaf.web.settings"})
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_miaf(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    Path(env["MIAF_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    return subprocess.run([sys.executable, "-m", "miaf.cli", *args], env=env, capture_output=True, text=True,
                          cwd=env["MIAF_VAR_DIR"], timeout=600)  # fmt: skip


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def make_installation(var_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """A migrated database with a small demo and two uploaded files; returns its environment."""
    env = miaf_env(var_dir, database_url)
    ok(run_miaf(env, "manage", "migrate", "--noinput", "-v", "0"))
    ok(run_miaf(env, "demo", "--families", DEMO_FAMILIES))
    media = var_dir / "media"
    (media / "informes").mkdir(parents=True, exist_ok=True)
    (media / "informes" / "informe-1.pdf").write_bytes(b"%PDF-1.7 informe de prueba\n")
    (media / "process" / "2026" / "11").mkdir(parents=True, exist_ok=True)
    (media / "process" / "2026" / "11" / "foto.jpg").write_bytes(bytes(range(256)) * 40)
    return env


def _sorted_rows(rows: list) -> list:
    return sorted((tuple(r) for r in rows), key=repr)


def sqlite_rows(path: Path) -> dict[str, list]:
    """Every table's rows of a SQLite file, in a stable order."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: _sorted_rows(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
    finally:
        conn.close()


def postgres_rows(database_url: str) -> dict[str, list]:
    """Every table's rows of a PostgreSQL database (schema public), in a stable order."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name")]
        return {t: _sorted_rows(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
