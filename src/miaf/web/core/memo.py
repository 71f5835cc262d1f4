"""Process-memory results tagged with the data version they were computed from (the market and trade pages).

The offer calendar and the side-selling analysis take seconds at programme scale (a forecast of 400 Monte
Carlo draws, every sale and ledger line of the programme), and their results are numpy arrays and large dicts
that cost tens of milliseconds to pickle and unpickle. :func:`versioned` keeps them in this process, unpickled,
under ``(key, version)``: a warm request finds the object and only renders it. The version is the caller's
fingerprint of the tables the result reads (:func:`miaf.web.dashboard.cache.data_version` plus, for trade,
:func:`table_fingerprint` of its own tables), so a new or changed harvest, sale, plot, planting, ledger line,
membership or organisation price gives a new key and the next request computes again. Entries also expire
after ``ttl`` seconds, and only the latest :data:`MAX_ENTRIES` are kept (least recently used first out).

A cached value is shared by every request of the process: callers must not mutate it.

**Slow builds are refreshed in the background.** When the data changed and the previous result of the same
key took longer than :data:`STALE_BUILD_S` to build (a whole programme's side-selling: 45 s at 10,000
families on a loaded machine), the request gets that previous result at once and a background thread
(:func:`miaf.web.dashboard.builds.spawn`, in the request's language) builds the new one; the requests after
it finish get the new one. So a page shows figures at most one build old, never waits a build after the first
one, and fast builds (small scopes, the tests) are still recomputed in the request.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

MAX_ENTRIES = 48
#: A build slower than this [s] is refreshed in the background when the data change (engineering choice:
#: a page answers in well under a second otherwise).
STALE_BUILD_S = 2.0

_ENTRIES: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
_LATEST: dict[Hashable, tuple[str, float, float, object]] = {}  # key → (version, built at, build seconds, value)
_LOCK = threading.Lock()
_BUILDING: dict[Hashable, threading.Lock] = {}
_REFRESHING: set[Hashable] = set()


def versioned(key: Hashable, version: str, build: Callable[[], T], ttl: float) -> T:
    """``build()`` for ``key`` at data ``version``, reused for ``ttl`` seconds while the version holds.

    Concurrent callers of the same key and version wait for one build instead of computing it twice. A slow
    key whose data changed answers with its previous result while the new one is built in the background."""
    full = (key, version)
    now = time.monotonic()
    with _LOCK:
        hit = _ENTRIES.get(full)
        if hit is not None and now - hit[0] < ttl:
            _ENTRIES.move_to_end(full)
            return hit[1]  # type: ignore[return-value]
        latest = _LATEST.get(key)
        stale = latest is not None and latest[0] != version and latest[2] > STALE_BUILD_S and now - latest[1] < ttl
        start = stale and full not in _REFRESHING
        if start:
            _REFRESHING.add(full)
        building = _BUILDING.setdefault(full, threading.Lock())
    if stale:
        if start:
            _refresh(key, version, build)
        return latest[3]  # type: ignore[index, return-value]
    with building:
        with _LOCK:
            hit = _ENTRIES.get(full)
            if hit is not None and time.monotonic() - hit[0] < ttl:
                return hit[1]  # type: ignore[return-value]
        return _store(key, version, build)


def _store(key: Hashable, version: str, build: Callable[[], T]) -> T:
    started = time.monotonic()
    value = build()
    done = time.monotonic()
    with _LOCK:
        full = (key, version)
        _ENTRIES[full] = (done, value)
        _ENTRIES.move_to_end(full)
        while len(_ENTRIES) > MAX_ENTRIES:
            _ENTRIES.popitem(last=False)
        _LATEST[key] = (version, done, done - started, value)
        while len(_LATEST) > MAX_ENTRIES:
            _LATEST.pop(next(iter(_LATEST)))
        _BUILDING.pop(full, None)
        _REFRESHING.discard(full)
    return value


def _refresh(key: Hashable, version: str, build: Callable[[], object]) -> None:
    """Build ``key`` at ``version`` in a background thread, in the language of the request that asked."""
    from django.utils import translation

    from miaf.web.dashboard.builds import spawn

    language = translation.get_language()

    def run() -> None:
        try:
            with translation.override(language):
                _store(key, version, build)
        finally:
            with _LOCK:
                _REFRESHING.discard((key, version))

    spawn("memo", run)


def clear() -> None:
    """Forget every entry (tests, or after a restore)."""
    with _LOCK:
        _ENTRIES.clear()
        _LATEST.clear()
        _REFRESHING.clear()


def table_fingerprint(*models) -> str:  # noqa: ANN002
    """Row count and latest ``updated_at`` (else largest id) of each model's table, in one query: changes with
    every insert, delete or save through the ORM (the rule of :func:`miaf.web.dashboard.cache.data_version`)."""
    from django.db import connection

    parts = []
    for model in models:
        table = connection.ops.quote_name(model._meta.db_table)
        latest = "updated_at" if any(f.name == "updated_at" for f in model._meta.fields) else "id"
        parts += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({latest}) FROM {table})"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return hashlib.blake2b(repr(row).encode(), digest_size=8).hexdigest()
