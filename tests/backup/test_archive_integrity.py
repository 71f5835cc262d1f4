"""A restore verifies the archive before it touches anything: corruption exits 2 with one line (issue 14, item 7)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from miaf.web.backup.archive import MANIFEST, META, ArchiveWriter, CorruptArchive, extract_verified
from tests.backup.helpers import miaf_env, run_miaf

META_BYTES = json.dumps({"format": 1, "created": "2026-12-05T00:00:00+00:00", "engine": "sqlite",
                         "database": "database/miaf.sqlite3", "media_files": 1, "params": []}).encode()


def _archive(path: Path, files: dict[str, bytes], manifest: dict[str, bytes] | None = None) -> Path:
    """A tar.gz with ``files`` and a manifest computed from ``manifest`` (default: the same files)."""
    listed = files if manifest is None else manifest
    lines = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(listed.items()))
    with tarfile.open(path, "w:gz") as tar:
        for name, data in [*files.items(), (MANIFEST, lines.encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


GOOD = {META: META_BYTES, "database/miaf.sqlite3": b"SQLite format 3\0", "media/informes/a.pdf": b"%PDF-1.7"}


def test_a_well_formed_archive_is_extracted_and_its_metadata_returned(tmp_path):  # noqa: ANN001
    meta = extract_verified(_archive(tmp_path / "a.tar.gz", GOOD), tmp_path / "out")
    assert meta["engine"] == "sqlite"
    assert (tmp_path / "out" / "media" / "informes" / "a.pdf").read_bytes() == b"%PDF-1.7"


def test_a_file_changed_after_the_backup_is_refused_by_its_checksum(tmp_path):  # noqa: ANN001
    tampered = {**GOOD, "media/informes/a.pdf": b"%PDF-1.7 changed"}
    with pytest.raises(CorruptArchive, match=r"checksum mismatch for media/informes/a\.pdf"):
        extract_verified(_archive(tmp_path / "a.tar.gz", tampered, manifest=GOOD), tmp_path / "out")


def test_a_file_missing_from_the_archive_or_the_manifest_is_refused(tmp_path):  # noqa: ANN001
    missing = {k: v for k, v in GOOD.items() if k != "media/informes/a.pdf"}
    with pytest.raises(CorruptArchive, match="missing from the archive"):
        extract_verified(_archive(tmp_path / "a.tar.gz", missing, manifest=GOOD), tmp_path / "a")
    with pytest.raises(CorruptArchive, match="not listed in the manifest"):
        extract_verified(_archive(tmp_path / "b.tar.gz", GOOD, manifest=missing), tmp_path / "b")


def test_a_path_outside_the_restore_folder_is_refused(tmp_path):  # noqa: ANN001
    hostile = {**GOOD, "../escaped.txt": b"x"}
    with pytest.raises(CorruptArchive, match="unsafe path"):
        extract_verified(_archive(tmp_path / "a.tar.gz", hostile), tmp_path / "out")
    assert not (tmp_path / "escaped.txt").exists()


def test_the_writer_leaves_no_partial_archive_when_it_fails(tmp_path):  # noqa: ANN001
    writer = ArchiveWriter(tmp_path / "b.tar.gz")
    writer.add_bytes(b"x", "a.txt")
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_the_manifest_can_be_checked_with_sha256sum_format(tmp_path):  # noqa: ANN001
    writer = ArchiveWriter(tmp_path / "b.tar.gz")
    writer.add_bytes(b"hola", "params/x.csv")
    writer.finish()
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        manifest = tar.extractfile(MANIFEST).read().decode()
    assert manifest == f"{hashlib.sha256(b'hola').hexdigest()}  params/x.csv\n"


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "not an archive"])
def test_restore_of_a_corrupted_archive_exits_2_with_one_line_and_touches_nothing(tmp_path, damage):  # noqa: ANN001
    archive = _archive(tmp_path / "a.tar.gz", GOOD)
    data = bytearray(archive.read_bytes())
    if damage == "flipped byte":
        raw = bytearray(gzip.decompress(bytes(data)))
        raw[raw.index(b"%PDF-1.7")] ^= 0xFF  # inside a file: gzip is fine, the checksum is not
        archive.write_bytes(gzip.compress(bytes(raw)))
    elif damage == "truncated":
        archive.write_bytes(bytes(data[: len(data) // 2]))
    else:
        archive.write_bytes(b"this is a text file, not a backup\n" * 10)
    target = tmp_path / "var"

    result = run_miaf(miaf_env(target), "restore", str(archive))
    checked = run_miaf(miaf_env(target), "restore", "--check", str(archive))

    assert result.returncode == 2 and checked.returncode == 2
    assert checked.stderr.strip().splitlines()[-1].startswith("miaf restore: error:")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("miaf restore: error:"), result.stderr
    if damage == "flipped byte":
        assert "checksum mismatch for media/informes/a.pdf" in lines[0]
    assert not (target / "miaf.sqlite3").exists()
    assert not (target / "media").exists()


def test_restore_refuses_a_backup_of_the_other_database_engine(tmp_path):  # noqa: ANN001
    meta = json.loads(META_BYTES)
    meta.update(engine="postgresql", database="database/miaf.pgdump")
    files = {META: json.dumps(meta).encode(), "database/miaf.pgdump": b"PGDMP"}
    target = tmp_path / "var"

    result = run_miaf(miaf_env(target), "restore", str(_archive(tmp_path / "pg.tar.gz", files)))

    assert result.returncode == 2
    assert "backup is of a postgresql database" in result.stderr and "sqlite" in result.stderr
    assert not (target / "media").exists()
