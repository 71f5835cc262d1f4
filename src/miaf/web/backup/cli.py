"""``miaf backup OUT`` and ``miaf restore IN [--force | --check]``.

A corrupted archive, a non-empty database without ``--force`` or a backup of another database engine
exit with status 2 and one line on stderr (``miaf.cli.main`` turns the ValueError into that line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _reporter(args: argparse.Namespace):  # noqa: ANN202
    """A step printer and a progress-bar factory (tqdm on stderr, only on a terminal)."""
    if args.quiet:
        return (lambda _msg: None), None

    def say(message: str) -> None:
        print(f"miaf {args.command}: {message}", flush=True)

    def bar(total: int | None, unit: str, desc: str):  # noqa: ANN202
        from tqdm import tqdm

        progress = tqdm(total=total, unit=unit, unit_scale=unit == "B", desc=desc, file=sys.stderr,
                        disable=None, leave=False)  # fmt: skip
        return progress.update

    return say, bar


def _backup(args: argparse.Namespace) -> int:
    from miaf.web.cli import setup_django

    setup_django()
    from miaf.web.backup.services import create_backup

    say, bar = _reporter(args)
    summary = create_backup(Path(args.out), say=say, bar=bar)
    print(f"miaf backup: wrote {summary.path} ({summary.size_bytes / 1e6:.1f} MB: {summary.engine} database, "
          f"{summary.media_files} media files, {summary.params} parameter tables)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from miaf.web.cli import setup_django

    setup_django()
    from miaf.web.backup.services import restore_backup, verify_backup

    say, bar = _reporter(args)
    if args.check:
        meta = verify_backup(Path(args.archive), say=say, bar=bar)
        print(f"miaf restore: {args.archive} is intact: backup of {meta['created']} ({meta['engine']} database, "
              f"{meta['media_files']} media files); nothing was restored")
        return 0
    summary = restore_backup(Path(args.archive), force=args.force, say=say, bar=bar)
    print(f"miaf restore: restored the backup of {summary.created} ({summary.engine} database, "
          f"{summary.media_files} media files)")
    if summary.migrations_pending:
        print("miaf restore: this version of miaf has newer migrations: run `miaf manage migrate`")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="write the database, uploaded files and parameter tables to one archive")
    p.add_argument("out", metavar="OUT", help="archive to write (.tar.gz), or a folder for a dated name")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the final line (for cron)")
    p.set_defaults(func=_backup)

    p = sub.add_parser("restore", help="verify an archive of `miaf backup` and restore it into the database")
    p.add_argument("archive", metavar="IN", help="archive written by `miaf backup`")
    p.add_argument("--force", action="store_true", help="replace a database that already holds data")
    p.add_argument("--check", action="store_true", help="only verify the archive's checksums; restore nothing")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the final line")
    p.set_defaults(func=_restore)
