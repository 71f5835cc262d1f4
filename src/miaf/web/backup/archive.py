"""The backup archive: a gzip'd tar with a SHA-256 manifest, written atomically and verified on reading.

Layout of an archive::

    miaf-backup.json        what was backed up (engine, date, migrations, counts)
    database/miaf.sqlite3   or database/miaf.pgdump (pg_dump's custom format)
    media/...               every uploaded or generated file under MEDIA_ROOT
    params/*.csv            the parameter tables the data were made with
    MANIFEST.sha256         one "<sha256>  <path>" line per file above (the format of ``sha256sum -c``)

No Django here: the web layer decides what goes in, this module only writes and checks the archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

MANIFEST = "MANIFEST.sha256"
META = "miaf-backup.json"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024

Progress = Callable[[int], object]


class CorruptArchive(ValueError):
    """The archive cannot be trusted: unreadable, incomplete, or a file does not match its checksum."""


class _HashingReader(io.RawIOBase):
    """Reads a file for ``tarfile.addfile`` and hashes exactly the bytes that go into the archive."""

    def __init__(self, fh: io.BufferedReader, progress: Progress | None) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()
        self.progress = progress

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        if self.progress is not None:
            self.progress(len(data))
        return data


class ArchiveWriter:
    """Write ``OUT.partial`` and rename it to ``OUT`` only once the manifest is in: never a half archive."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.partial = out.with_name(out.name + ".partial")
        self.entries: dict[str, str] = {}
        self.tar = tarfile.open(self.partial, "w:gz", compresslevel=6)

    def add_file(self, path: Path, arcname: str, progress: Progress | None = None) -> None:
        with open(path, "rb") as fh:
            info = self.tar.gettarinfo(fileobj=fh, arcname=arcname)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            reader = _HashingReader(fh, progress)
            self.tar.addfile(info, reader)
        self.entries[arcname] = reader.digest.hexdigest()

    def add_bytes(self, data: bytes, arcname: str) -> None:
        info = tarfile.TarInfo(arcname)
        info.size = len(data)
        self.tar.addfile(info, io.BytesIO(data))
        self.entries[arcname] = hashlib.sha256(data).hexdigest()

    def finish(self) -> None:
        manifest = "".join(f"{digest}  {name}\n" for name, digest in sorted(self.entries.items()))
        info = tarfile.TarInfo(MANIFEST)
        data = manifest.encode()
        info.size = len(data)
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()
        with open(self.partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(self.partial, self.out)

    def abort(self) -> None:
        self.tar.close()
        self.partial.unlink(missing_ok=True)


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or name.startswith("/"):
        raise CorruptArchive(f"unsafe path in archive: {name!r}")
    return str(path)


def parse_manifest(text: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name:
            raise CorruptArchive(f"{MANIFEST} line {number} is malformed")
        entries[_safe_name(name)] = digest
    return entries


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    try:
        yield from tar
    except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
        raise CorruptArchive(f"the archive is damaged or truncated ({' '.join(str(exc).split()) or type(exc).__name__})") from exc


def extract_verified(archive: Path, dest: Path, progress: Progress | None = None) -> dict:
    """Extract ``archive`` into ``dest`` and check every file against the manifest; return the metadata.

    Raises :class:`CorruptArchive` naming the first problem: unreadable archive, a file missing from the
    manifest or the archive, or a checksum that does not match.
    """
    if not archive.is_file():
        raise FileNotFoundError(f"{archive}: no such file")
    seen: dict[str, str] = {}
    manifest_text: str | None = None
    try:
        tar = tarfile.open(archive, "r:*")
    except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
        raise CorruptArchive(f"{archive.name} is not a readable miaf backup archive") from exc
    with tar:
        for member in _members(tar):
            name = _safe_name(member.name)
            if member.isdir():
                continue
            if not member.isfile():
                raise CorruptArchive(f"unexpected entry in archive: {name!r} is not a regular file")
            try:
                source = tar.extractfile(member)
                if name == MANIFEST:
                    manifest_text = source.read().decode()
                    continue
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        if progress is not None:
                            progress(len(chunk))
            except (tarfile.TarError, zlib.error, EOFError, OSError, UnicodeDecodeError) as exc:
                raise CorruptArchive(f"the archive is damaged: cannot read {name!r} ({type(exc).__name__})") from exc
            seen[name] = digest.hexdigest()
    if manifest_text is None:
        raise CorruptArchive(f"no {MANIFEST} in the archive: not a miaf backup or truncated")
    expected = parse_manifest(manifest_text)
    for name, digest in sorted(expected.items()):
        if name not in seen:
            raise CorruptArchive(f"file listed in the manifest is missing from the archive: {name}")
        if seen[name] != digest:
            raise CorruptArchive(f"checksum mismatch for {name}: the archive is corrupted")
    extra = sorted(set(seen) - set(expected))
    if extra:
        raise CorruptArchive(f"file not listed in the manifest: {extra[0]}")
    if META not in seen:
        raise CorruptArchive(f"no {META} in the archive: not a miaf backup")
    meta = json.loads((dest / META).read_text())
    if meta.get("format") != FORMAT_VERSION:
        raise CorruptArchive(f"unknown backup format {meta.get('format')!r} (this miaf reads {FORMAT_VERSION})")
    return meta


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
