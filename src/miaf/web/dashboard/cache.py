"""Caching of the dashboard: extracted tables and computed results, keyed by scope and data version.

Keys are ``dash:<what>:<scope>:<version>[:<extra>]`` in Django's ``default`` cache (LocMemCache unless the
settings name another backend; with several gunicorn workers each worker keeps its own copy).

* **scope** = a short hash of the sorted ids of :func:`miaf.web.accounts.scoping.groups_for` (the groups
  whose records :func:`miaf.web.evidence.extract.load_tables` reads): users with the same reach share the
  tables; a promoter assigned a new group gets a new scope at once.
* **data version** = :func:`data_version`, one SQL query returning, for every table the dashboard reads,
  its row count and its latest ``updated_at`` (tables without a timestamp: the largest primary key). Any
  insert, delete or save through the ORM changes it, so no entry is ever served stale; old entries are
  never read again and expire after ``cache_timeout_s`` (``params/dashboard.csv``).

Limitation: a raw SQL ``UPDATE`` that neither changes a count nor touches ``updated_at`` (e.g. editing
a harvest destination's kg in place, a table without timestamps) is not seen until something else changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import connection

from miaf.params import load_parameters

__all__ = ["cached", "data_version", "scope_key"]

T = TypeVar("T")

#: (app_label, model_name, has updated_at) of every table the dashboard and the family sheet read.
_TABLES: tuple[tuple[str, str, bool], ...] = (
    ("registry", "Organisation", True), ("registry", "Municipality", False), ("registry", "Locality", True),
    ("registry", "Group", True), ("registry", "Family", True), ("registry", "Member", True),
    ("registry", "Membership", True), ("registry", "ReferenceLayer", True), ("plots", "Plot", True),
    ("plots", "PlotPhase", True), ("plots", "PlotDesign", True), ("records", "Planting", True),
    ("records", "Harvest", True), ("records", "HarvestDestination", False), ("records", "InputPurchase", True),
    ("records", "LabourLog", True), ("records", "LedgerEntry", True), ("fieldwork", "Attendance", False),
    ("fieldwork", "TrainingEvent", True),
)  # fmt: skip


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
    """Seconds the data version is reused before it is read again (``MIAF_DASHBOARD_VERSION_TTL_S``
    in the settings overrides ``version_ttl_s`` of ``params/dashboard.csv``; the tests use 0)."""
    from django.conf import settings

    override = getattr(settings, "MIAF_DASHBOARD_VERSION_TTL_S", None)
    return int(override if override is not None else float(load_parameters("dashboard")["version_ttl_s"]))


def data_version() -> str:
    """A fingerprint of the record tables: changes whenever a row is added, deleted or saved.

    Counting rows costs a table scan, which is nothing on the demo but seconds at 100,000 families, so the
    fingerprint is reused for :func:`version_ttl` seconds: a change shows on the dashboard at most that
    late.
    """
    cache = caches["default"]
    ttl = version_ttl()
    if ttl > 0:
        hit = cache.get("dash:data-version")
        if hit is not None:
            return hit
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    version = hashlib.blake2b(repr(row).encode(), digest_size=8).hexdigest()
    if ttl > 0:
        cache.set("dash:data-version", version, ttl)
    return version


def scope_key(user) -> str:  # noqa: ANN001
    """Hash of the groups the user may aggregate (``None``: the command-line operator, every group)."""
    from miaf.web.evidence.extract import scoped_groups

    ids = sorted(scoped_groups(user).values_list("pk", flat=True))
    return hashlib.blake2b(",".join(map(str, ids)).encode(), digest_size=8).hexdigest()


def timeout() -> int:
    return int(float(load_parameters("dashboard")["cache_timeout_s"]))


def cached(what: str, scope: str, version: str, extra: str, build: Callable[[], T]) -> T:
    """The cached value of ``build()`` under ``dash:<what>:<scope>:<version>:<extra>``, built on a miss."""
    key = f"dash:{what}:{scope}:{version}:{hashlib.blake2b(extra.encode(), digest_size=8).hexdigest()}"
    cache = caches["default"]
    value: Any = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout())
    return value
