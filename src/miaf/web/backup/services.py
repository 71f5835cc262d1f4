"""Back up and restore a whole miaf installation: database, uploaded and generated files, parameter tables.

``create_backup`` and ``restore_backup`` are the two use cases behind ``miaf backup`` and ``miaf restore``.
A restore first verifies the whole archive (every SHA-256 of its manifest) in a staging folder, then
refuses a database that already holds data unless ``force``, and only then replaces anything.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from miaf.web.backup import databases
from miaf.web.backup.archive import META, ArchiveWriter, extract_verified, sha256_file

Say = Callable[[str], object]
PARAMS_DIR = Path(__file__).resolve().parents[2] / "params"


def _quiet(_: str) -> None:
    return None


@dataclass
class BackupSummary:
    path: Path
    engine: str
    media_files: int
    params: int
    size_bytes: int


@dataclass
class RestoreSummary:
    engine: str
    created: str
    media_files: int
    params_differ: list[str] = field(default_factory=list)
    params_copy: Path | None = None
    migrations_pending: bool = False


def default_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"miaf-backup-{now:%Y%m%d-%H%M%S}Z.tar.gz"


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _applied_migrations() -> dict[str, list[str]]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    if MigrationRecorder(connection).has_table():
        for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
            applied.setdefault(app, []).append(name)
    return applied


def create_backup(out: Path, say: Say = _quiet, bar=None) -> BackupSummary:  # noqa: ANN001
    """Write one archive with the database, MEDIA_ROOT and the parameter tables; return what it holds.

    ``out`` may be a folder (the archive is then named ``miaf-backup-<date>-<time>.tar.gz`` inside it).
    ``bar(total, unit, desc)`` makes a progress callback (see the CLI); ``say`` prints a step.
    """
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    engine = databases.engine_of(db)
    out = Path(out)
    if out.is_dir():
        out = out / default_name()
    if not out.parent.is_dir():
        raise FileNotFoundError(f"{out.parent}: no such folder")
    media_root = Path(settings.MEDIA_ROOT)
    media = _media_files(media_root)
    params = sorted(PARAMS_DIR.glob("*.csv"))
    meta = {
        "format": 1, "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "engine": engine,
        "database": databases.dump_file_name(engine), "media_files": len(media),
        "params": [p.name for p in params], "migrations": _applied_migrations(),
    }  # fmt: skip
    connection.close()
    writer = ArchiveWriter(out)
    try:
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".miaf-backup-") as tmp:
            dump = Path(tmp) / Path(meta["database"]).name
            say(f"database ({engine}) → {meta['database']}")
            if engine == "sqlite":
                databases.sqlite_dump(str(db["NAME"]), dump, progress=_pages(bar, "pages"))
            else:
                databases.pg_dump(db, dump)
            writer.add_file(dump, meta["database"])
        total = sum(p.stat().st_size for p in media)
        say(f"media: {len(media)} files, {total / 1e6:.1f} MB")
        step = bar(total, "B", "media") if bar and media else None
        for path in media:
            writer.add_file(path, "media/" + path.relative_to(media_root).as_posix(), progress=step)
        say(f"parameter tables: {len(params)}")
        for path in params:
            writer.add_file(path, f"params/{path.name}")
        writer.add_bytes(json.dumps(meta, indent=2, ensure_ascii=False).encode(), META)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    return BackupSummary(path=out, engine=engine, media_files=len(media), params=len(params),
                         size_bytes=out.stat().st_size)  # fmt: skip


def _pages(bar, unit: str):  # noqa: ANN001, ANN202
    """Adapt a ``bar(total, unit, desc)`` factory to a (done, total) callback."""
    if bar is None:
        return None
    state: dict = {}

    def progress(done: int, total: int) -> None:
        if "update" not in state:
            state["update"], state["done"] = bar(total, unit, "database"), 0
        state["update"](done - state["done"])
        state["done"] = done

    return progress


def database_contents() -> dict[str, int]:
    """Rows in the tables that only people fill (users, organisations, families); {} for a fresh database."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from miaf.web.registry.models import Family, Organisation

    existing = set(connection.introspection.table_names())
    counts = {}
    for label, model in (("users", get_user_model()), ("organisations", Organisation), ("families", Family)):
        if model._meta.db_table in existing:
            n = model._default_manager.count()
            if n:
                counts[label] = n
    return counts


def verify_backup(archive: Path, say: Say = _quiet, bar=None) -> dict:  # noqa: ANN001
    """Check every checksum of ``archive`` without restoring anything; return its metadata."""
    from django.conf import settings

    archive = Path(archive)
    # Staged beside the data (not /tmp, often small): the check needs as much room as the archive unpacked.
    var_dir = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory(prefix=".miaf-verify-", dir=var_dir if var_dir.is_dir() else None) as tmp:
        say(f"verifying {archive.name}")
        return extract_verified(archive, Path(tmp), progress=bar(None, "B", "verify") if bar else None)


def restore_backup(archive: Path, force: bool = False, say: Say = _quiet, bar=None) -> RestoreSummary:  # noqa: ANN001
    """Verify ``archive``, then replace the database, MEDIA_ROOT and keep the backup's parameter tables.

    Refuses (ValueError) a database holding users, organisations or families unless ``force``; refuses a
    corrupted archive (:class:`~miaf.web.backup.archive.CorruptArchive`) before touching anything.
    """
    from django.conf import settings
    from django.db import connection

    archive = Path(archive)
    db = settings.DATABASES["default"]
    engine = databases.engine_of(db)
    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=var_dir, prefix=".miaf-restore-") as tmp:
        staging = Path(tmp)
        size = archive.stat().st_size if archive.is_file() else 0
        say(f"verifying {archive.name} ({size / 1e6:.1f} MB)")
        meta = extract_verified(archive, staging, progress=bar(None, "B", "verify") if bar else None)
        say(f"checksums verified: backup of {meta['created']} ({meta['engine']}, {meta['media_files']} media files)")
        if meta["engine"] != engine:
            raise ValueError(f"this backup is of a {meta['engine']} database; the configured database is {engine}")
        contents = database_contents()
        if contents and not force:
            held = ", ".join(f"{n} {label}" for label, n in contents.items())
            raise ValueError(f"the database is not empty ({held}); use --force to replace its contents")
        dump = staging / meta["database"]
        say(f"database ({engine}) ← {meta['database']}")
        if engine == "sqlite":
            connection.close()
            databases.sqlite_restore(dump, str(db["NAME"]), progress=_pages(bar, "pages"))
        else:
            databases.drop_all_tables(connection)
            connection.close()
            databases.pg_restore(db, dump, progress=_pages(bar, "items"))
        media_files = _restore_media(staging / "media", Path(settings.MEDIA_ROOT), say)
        summary = RestoreSummary(engine=engine, created=meta["created"], media_files=media_files)
        _compare_params(staging / "params", var_dir, meta, summary, say)
    summary.migrations_pending = _migrations_pending()
    return summary


def _restore_media(staged: Path, media_root: Path, say: Say) -> int:
    """Put the backup's files in place; an existing non-empty MEDIA_ROOT is kept aside, never deleted."""
    if media_root.is_dir() and any(media_root.iterdir()):
        aside = media_root.with_name(f"{media_root.name}.before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}")
        media_root.rename(aside)
        say(f"previous media kept in {aside}")
    elif media_root.is_dir():
        media_root.rmdir()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    if staged.is_dir():
        shutil.move(str(staged), str(media_root))
    else:
        media_root.mkdir()
    n = len(_media_files(media_root))
    say(f"media: {n} files restored into {media_root}")
    return n


def _compare_params(staged: Path, var_dir: Path, meta: dict, summary: RestoreSummary, say: Say) -> None:
    """Keep the backup's parameter tables beside the data and say which differ from the installed ones."""
    differ = []
    for name in meta.get("params", []):
        installed = PARAMS_DIR / name
        if not installed.is_file() or sha256_file(installed) != sha256_file(staged / name):
            differ.append(name)
    target = var_dir / "restored-params" / meta["created"].replace(":", "")[:17]
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(staged, target)
    summary.params_differ, summary.params_copy = differ, target
    if differ:
        say(f"parameter tables that differ from this installation's: {', '.join(differ)} (backup's copies in {target})")
    else:
        say("parameter tables: identical to this installation's")


def _migrations_pending() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    connection.close()
    return pending
