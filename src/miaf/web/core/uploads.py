"""Abandoned upload folders: an import preview never confirmed, a request killed half-way.

Each import upload lives in ``MEDIA_ROOT/intake/pending/<token>/`` until the user confirms or cancels the
preview. Folders older than ``MIAF_UPLOAD_MAX_AGE_HOURS`` (default a day) are deleted on every upload and by
``miaf manage clean_uploads`` (for cron).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from django.conf import settings

__all__ = ["pending_root", "remove_abandoned"]


def pending_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "intake" / "pending"


def remove_abandoned(max_age_hours: float | None = None, root: Path | None = None, now: float | None = None) -> int:
    """Delete the upload folders under ``root`` not modified for ``max_age_hours``; returns how many."""
    root = root or pending_root()
    hours = float(getattr(settings, "MIAF_UPLOAD_MAX_AGE_HOURS", 24) if max_age_hours is None else max_age_hours)
    cutoff = (time.time() if now is None else now) - hours * 3600
    removed = 0
    if not root.is_dir():
        return 0
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except FileNotFoundError:  # removed by a concurrent request
            continue
    return removed
