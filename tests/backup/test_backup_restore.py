"""``miaf backup`` and ``miaf restore`` end to end, each in its own process and database (issue 14, item 7).

A small demo is loaded into a source installation, backed up, and restored into a fresh one; every table's
rows, every uploaded file and the parameter tables must come back identical. On PostgreSQL the same round
trip runs when ``DATABASE_URL`` points at a server (as in CI).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

import pytest

from miaf.web.backup.services import PARAMS_DIR
from tests.backup.helpers import (
    files_of,
    make_installation,
    miaf_env,
    ok,
    postgres_rows,
    run_miaf,
    sqlite_rows,
)


@pytest.fixture(scope="module")
def source(tmp_path_factory):  # noqa: ANN001, ANN201
    """A SQLite installation with the demo, and its backup archive."""
    root = tmp_path_factory.mktemp("source")
    env = make_installation(root / "var")
    result = ok(run_miaf(env, "backup", str(root)))
    archives = sorted(root.glob("miaf-backup-*.tar.gz"))
    assert len(archives) == 1
    return {"env": env, "var": root / "var", "archive": archives[0], "output": result.stdout}


@pytest.mark.slow
def test_a_restore_into_an_empty_database_gives_identical_rows_files_and_parameter_tables(source, tmp_path):  # noqa: ANN001
    target = tmp_path / "var"
    result = ok(run_miaf(miaf_env(target), "restore", str(source["archive"])))

    before, after = sqlite_rows(source["var"] / "miaf.sqlite3"), sqlite_rows(target / "miaf.sqlite3")
    assert before["registry_family"], "the demo should have loaded families"
    assert sorted(after) == sorted(before)
    for table, rows in before.items():
        assert after[table] == rows, table
    assert files_of(target / "media") == files_of(source["var"] / "media")
    kept = next((target / "restored-params").iterdir())
    installed = {name: data for name, data in files_of(PARAMS_DIR).items() if name.endswith(".csv")}
    assert installed and files_of(kept) == installed
    assert "checksums verified" in result.stdout


def test_backup_shows_its_progress_and_what_the_archive_holds(source):  # noqa: ANN001
    assert "database (sqlite)" in source["output"]
    assert "media: 2 files" in source["output"]
    assert "2 media files" in source["output"]


def test_restore_check_verifies_an_archive_without_touching_the_database(source, tmp_path):  # noqa: ANN001
    target = tmp_path / "var"
    result = ok(run_miaf(miaf_env(target), "restore", "--check", str(source["archive"])))
    assert "is intact" in result.stdout and "nothing was restored" in result.stdout
    assert not (target / "miaf.sqlite3").exists() and not (target / "media").exists()


def test_restore_refuses_a_database_that_holds_data_without_force(source):  # noqa: ANN001
    before = sqlite_rows(source["var"] / "miaf.sqlite3")
    result = run_miaf(source["env"], "restore", str(source["archive"]))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "not empty" in result.stderr and "--force" in result.stderr
    assert sqlite_rows(source["var"] / "miaf.sqlite3") == before


@pytest.mark.slow
def test_restore_with_force_replaces_the_data_and_keeps_the_old_files_aside(source, tmp_path):  # noqa: ANN001
    target = tmp_path / "var"
    env = miaf_env(target)
    ok(run_miaf(env, "restore", str(source["archive"])))
    ok(run_miaf(env, "createuser", "intrusa", "--role", "administrator", "--password", "otra-clave-larga-2026"))
    (target / "media" / "nuevo.txt").write_text("added after the backup")

    ok(run_miaf(env, "restore", "--force", str(source["archive"])))

    restored = sqlite_rows(target / "miaf.sqlite3")
    assert restored["auth_user"] == sqlite_rows(source["var"] / "miaf.sqlite3")["auth_user"]
    assert files_of(target / "media") == files_of(source["var"] / "media")
    aside = [p for p in target.iterdir() if p.name.startswith("media.before-restore-")]
    assert len(aside) == 1 and (aside[0] / "nuevo.txt").read_text() == "added after the backup"


def test_backup_is_consistent_while_another_connection_holds_a_write_transaction(source, tmp_path):  # noqa: ANN001
    """The online backup API copies the committed state; an open write does not block it or leak into it."""
    db = source["var"] / "miaf.sqlite3"
    writer = sqlite3.connect(db, timeout=1)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE registry_family SET name = 'NO CONFIRMADO'")
        result = ok(run_miaf(source["env"], "backup", str(tmp_path / "during.tar.gz")))
    finally:
        writer.rollback()
        writer.close()
    assert "wrote" in result.stdout
    target = tmp_path / "var"
    ok(run_miaf(miaf_env(target), "restore", str(tmp_path / "during.tar.gz")))
    names = [row[0] for row in sqlite3.connect(target / "miaf.sqlite3").execute("SELECT name FROM registry_family")]
    assert names and "NO CONFIRMADO" not in names


def test_a_backup_into_a_missing_folder_fails_with_one_line_and_leaves_nothing(tmp_path, source):  # noqa: ANN001
    result = run_miaf(source["env"], "backup", str(tmp_path / "no-such-folder" / "b.tar.gz"))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("miaf backup: error:") and "\n" not in result.stderr.strip()
    assert not (tmp_path / "no-such-folder").exists()


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture
def two_postgres_databases():  # noqa: ANN201
    """Two new, empty databases on the server of DATABASE_URL, dropped afterwards."""
    import psycopg

    url = _postgres_url()
    base, _, _ = url.rpartition("/")
    names = [f"miaf_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "dst")]
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    yield [f"{base}/{name}" for name in names]
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
@pytest.mark.skipif(_postgres_url() is None, reason="DATABASE_URL is not a PostgreSQL server")
def test_a_postgresql_restore_into_an_empty_database_gives_identical_rows(two_postgres_databases, tmp_path):  # noqa: ANN001
    src_url, dst_url = two_postgres_databases
    src = make_installation(tmp_path / "src", src_url)
    ok(run_miaf(src, "backup", str(tmp_path / "pg.tar.gz")))
    dst = miaf_env(tmp_path / "dst", dst_url)
    ok(run_miaf(dst, "manage", "migrate", "--noinput", "-v", "0"))  # as `miaf serve` would have done

    result = ok(run_miaf(dst, "restore", str(tmp_path / "pg.tar.gz")))

    before, after = postgres_rows(src_url), postgres_rows(dst_url)
    assert before["registry_family"]
    assert sorted(after) == sorted(before)
    for table, rows in before.items():
        assert after[table] == rows, table
    assert files_of(tmp_path / "dst" / "media") == files_of(tmp_path / "src" / "media")
    assert "database (postgresql)" in result.stdout
    refused = run_miaf(dst, "restore", str(tmp_path / "pg.tar.gz"))
    assert refused.returncode == 2 and "--force" in refused.stderr


def test_the_archive_names_its_database_dump_media_and_parameter_tables(source):  # noqa: ANN001
    import tarfile

    with tarfile.open(source["archive"]) as tar:
        names = tar.getnames()
    assert names[-1] == "MANIFEST.sha256"
    assert "database/miaf.sqlite3" in names and "miaf-backup.json" in names
    assert "media/informes/informe-1.pdf" in names
    assert {f"params/{p.name}" for p in Path(PARAMS_DIR).glob("*.csv")} <= set(names)
