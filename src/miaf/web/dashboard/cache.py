"""Caching of the dashboard: results keyed by scope and filters, tagged with the data version they show.

Two stores:

* the ``dashboard`` cache (settings ``CACHES``; a file cache under ``var/cache/dashboard`` in production, so
  every gunicorn worker and every restart shares it; process memory in tests) holds the *results*: filter
  choices, key figures, series, map layer. Key ``dash:<what>:<scope>:<hash of extra>``; the value is an
  :class:`Entry` ``(version, built_at, value)``: the result and the data version it was computed from. A
  result whose version is not the current one is *stale*: small scopes rebuild it at once, programme-scale
  scopes show it with a notice while a background build replaces it (:mod:`miaf.web.dashboard.builds`);
* process memory (:func:`local`) holds the *extracted tables* (hundreds of MB at 100,000 families: never
  pickled), for the latest versions only.

* **scope** = a short hash of the sorted ids of :func:`miaf.web.accounts.scoping.groups_for` (the groups
  whose records :func:`miaf.web.evidence.extract.load_tables` reads): users with the same reach share the
  results; a promoter assigned a new group gets a new scope at once.
* **data version** = :func:`data_version`, one SQL query returning, for every table the dashboard reads,
  its row count and its latest ``updated_at`` (tables without a timestamp: the largest primary key). Any
  insert, delete or save through the ORM changes it.

Limitation: a raw SQL ``UPDATE`` that neither changes a count nor touches ``updated_at`` (e.g. editing
a harvest destination's kg in place, a table without timestamps) is not seen until something else changes.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django.core.cache import caches
from django.db import connection

from miaf.params import load_parameters

__all__ = ["Entry", "data_version", "get", "local", "put", "scope_key", "store"]

T = TypeVar("T")

#: (app_label, model_name, has updated_at) of every table the dashboard and the family sheet read.
_TABLES: tuple[tuple[str, str, bool], ...] = (
    ("registry", "Organisation", True), ("registry", "Municipality", False), ("registry", "Locality", True),
    ("registry", "Group", True), ("registry", "Family", True), ("registry", "Member", True),
    ("registry", "Membership", True), ("registry", "ReferenceLayer", True), ("plots", "Plot", True),
    ("plots", "PlotPhase", True), ("plots", "PlotDesign", True), ("records", "Planting", True),
    ("records", "Harvest", True), ("records", "HarvestDestination", False), ("records", "InputPurchase", True),
    ("records", "LabourLog", True), ("records", "LedgerEntry", True), ("fieldwork", "Attendance", False),
    ("fieldwork", "TrainingEvent", True), ("accounts", "Profile_groups", False),
)  # fmt: skip


class Entry(NamedTuple):
    """A cached result: the data version it was computed from, when (epoch seconds), and the value."""

    version: str
    built_at: float
    value: Any


def store():  # noqa: ANN201
    """The ``dashboard`` cache (falls back to ``default`` when the settings name no such alias)."""
    from django.conf import settings

    return caches["dashboard" if "dashboard" in settings.CACHES else "default"]


def param(key: str) -> float:
    """A number of ``params/dashboard.csv``; a setting ``MIAF_DASHBOARD_<KEY>`` overrides it (tests)."""
    from django.conf import settings

    override = getattr(settings, f"MIAF_DASHBOARD_{key.upper()}", None)
    return float(override if override is not None else load_parameters("dashboard")[key])


def _version_sql() -> str:
    from django.apps import apps

    parts = []
    for app, name, stamped in _TABLES:
        table = connection.ops.quote_name(apps.get_model(app, name)._meta.db_table)
        latest = "updated_at" if stamped else "id"
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        parts.append(f"(SELECT MAX({latest}) FROM {table})")
    return "SELECT " + ", ".join(parts)


def version_ttl() -> int:
    """Seconds the data version is reused before it is read again (``version_ttl_s``; tests use 0)."""
    return int(param("version_ttl_s"))


def _activity_sql() -> str:
    """PostgreSQL: the rows inserted, updated and deleted in each record table (the cumulative statistics plus
    the reading transaction's own) and its file (a TRUNCATE, which the counters miss, gives a new one).
    Not the live-row estimate: VACUUM and ANALYZE change it without any change of the data."""
    from django.apps import apps

    names = ", ".join(f"'{apps.get_model(app, name)._meta.db_table}'" for app, name, _s in _TABLES)
    return ("SELECT s.relname, s.n_tup_ins + x.n_tup_ins, s.n_tup_upd + x.n_tup_upd, s.n_tup_del + x.n_tup_del, "
            "pg_relation_filenode(s.relid) FROM pg_stat_user_tables s "
            "JOIN pg_stat_xact_user_tables x ON x.relid = s.relid "
            f"WHERE s.relname IN ({names}) AND s.schemaname = current_schema() ORDER BY s.relname")


def version_source() -> str:
    """How :func:`read_version` fingerprints the tables: ``counts`` (row counts and latest change of each
    table: exact, one scan per table) or ``activity`` (PostgreSQL's per-table counters of inserted, updated
    and deleted rows: a millisecond whatever the size). Setting ``MIAF_DATA_VERSION_SOURCE``; ``activity``
    applies on PostgreSQL only."""
    from django.conf import settings

    source = getattr(settings, "MIAF_DATA_VERSION_SOURCE", "counts")
    return "activity" if source == "activity" and connection.vendor == "postgresql" else "counts"


def read_version() -> str:
    """The fingerprint of the record tables, read now.

    ``counts`` (SQLite, the tests): one query counting every table, seconds at 100,000 families (5.4 s on
    PostgreSQL with 3.45 million ledger lines, docs/benchmarks/load.md), so it is refreshed in the
    background (:func:`data_version`). ``activity`` (PostgreSQL in production): PostgreSQL's cumulative
    statistics count every insert, update and delete of a table, whatever wrote it (the ORM, a bulk
    insert, ``QuerySet.update``, SQL by hand), in about a millisecond. They reach other sessions when the
    writing session reports them, within about a second of its commit and at most
    ``PGSTAT_IDLE_INTERVAL`` (10 s) later: the version is then at most that much later than the data, as
    with ``version_ttl_s``. A statistics reset also changes the version (one rebuild, never a stale answer).
    """
    sql = _activity_sql() if version_source() == "activity" else _version_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return hashlib.blake2b(repr(rows).encode(), digest_size=8).hexdigest()


_VERSION_KEY = "dash:data-version"
_refreshing = threading.Lock()


def _refresh_version() -> None:
    try:
        t = time.perf_counter()
        version = read_version()
        store().set(_VERSION_KEY, (version, time.time(), time.perf_counter() - t), None)
    finally:
        _refreshing.release()


def data_version() -> str:
    """A fingerprint of the record tables: changes whenever a row is added, deleted or saved.

    Counting rows costs a table scan, which is nothing on the demo but seconds at 100,000 families, so the
    fingerprint is reused for :func:`version_ttl` seconds: a change shows on the dashboard at most that
    late. When the reused one is older than that and reading it took longer than ``version_sync_max_s``,
    the request keeps the remembered fingerprint and a background thread reads the new one, so no page
    waits for the count.
    """
    ttl = version_ttl()
    cache = store()
    known = cache.get(_VERSION_KEY) if ttl > 0 else None
    if known is not None:
        version, read_at, took = known
        if time.time() - read_at < ttl:
            return version
        if took > param("version_sync_max_s"):
            if _refreshing.acquire(blocking=False):
                from .builds import spawn

                spawn("data-version", _refresh_version)
            return version
    t = time.perf_counter()
    version = read_version()
    if ttl > 0:
        cache.set(_VERSION_KEY, (version, time.time(), time.perf_counter() - t), None)
    return version


def scope_key(user) -> str:  # noqa: ANN001
    """Hash of the groups the user may aggregate (``None``: the command-line operator, every group)."""
    from miaf.web.evidence.extract import scoped_groups

    ids = sorted(scoped_groups(user).values_list("pk", flat=True))
    return hashlib.blake2b(",".join(map(str, ids)).encode(), digest_size=8).hexdigest()


def _key(what: str, scope: str, extra: str) -> str:
    return f"dash:{what}:{scope}:{hashlib.blake2b(extra.encode(), digest_size=8).hexdigest()}"


_MEMO: OrderedDict[str, tuple[tuple, Entry]] = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_MAX = 256


def _file_stamp(backend, key: str) -> tuple | None:  # noqa: ANN001
    """(mtime, size) of a file-cache entry's file, or None (not a file cache, or no such file)."""
    import os

    from django.core.cache.backends.filebased import FileBasedCache

    if not isinstance(backend, FileBasedCache):
        return None
    try:
        st = os.stat(backend._key_to_file(key))  # noqa: SLF001  (Django's file name for the key)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def get(what: str, scope: str, extra: str) -> Entry | None:
    """The latest result stored for (what, scope, extra), whatever its version (``None``: never built).

    With the file cache, an entry already read by this process is reused while its file is unchanged (one
    ``stat`` instead of unpickling: the municipality map's boundaries made some requests 200 ms slower
    when unpickling woke the garbage collector).
    """
    backend, key = store(), _key(what, scope, extra)
    stamp = _file_stamp(backend, key)
    if stamp is not None:
        with _MEMO_LOCK:
            hit = _MEMO.get(key)
            if hit is not None and hit[0] == stamp:
                _MEMO.move_to_end(key)
                return hit[1]
    value = backend.get(key)
    if not isinstance(value, Entry):
        return None
    if stamp is not None:
        with _MEMO_LOCK:
            _MEMO[key] = (stamp, value)
            while len(_MEMO) > _MEMO_MAX:
                _MEMO.popitem(last=False)
    return value


def put(what: str, scope: str, extra: str, version: str, value: T) -> T:
    store().set(_key(what, scope, extra), Entry(version, time.time(), value), int(param("cache_timeout_s")))
    return value


def cached(what: str, scope: str, version: str, extra: str, build: Callable[[], T]) -> T:
    """The result of ``build()`` for this version: the stored one if its version matches, else built now."""
    hit = get(what, scope, extra)
    if hit is not None and hit.version == version:
        return hit.value
    return put(what, scope, extra, version, build())


_LOCAL: OrderedDict[tuple, Any] = OrderedDict()
_LOCAL_LOCK = threading.Lock()
_KEY_LOCKS: dict[tuple, threading.Lock] = {}
_LOCAL_MAX = 4


def local(what: str, scope: str, version: str, extra: str, build: Callable[[], T]) -> T:
    """Process-memory cache for large values (the extracted tables, plot geometries): never pickled, only
    the latest few entries kept; concurrent callers of the same key wait for one build."""
    key = (what, scope, version, extra)
    with _LOCAL_LOCK:
        key_lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with key_lock:
        with _LOCAL_LOCK:
            if key in _LOCAL:
                _LOCAL.move_to_end(key)
                return _LOCAL[key]
            for old in [k for k in _LOCAL if k[:2] == key[:2] and k[3] == extra]:
                del _LOCAL[old]  # an older version of the same thing: free its memory before building
        value = build()
        with _LOCAL_LOCK:
            _LOCAL[key] = value
            while len(_LOCAL) > _LOCAL_MAX:
                _LOCAL.popitem(last=False)
            _KEY_LOCKS.pop(key, None)
        return value


def clear_local() -> None:
    with _LOCAL_LOCK:
        _LOCAL.clear()
    with _MEMO_LOCK:
        _MEMO.clear()
