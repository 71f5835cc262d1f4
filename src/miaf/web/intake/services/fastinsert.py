"""Plain ``executemany`` inserts for the import's bulk path.

Django's ``bulk_create`` spends most of its time compiling values field by field (about 0.3 ms per
harvest with its destinations); 100,000 submissions must import in under a minute. These helpers adapt
each column once per field type and hand plain tuples to the driver. On SQLite the batch transaction holds
the write lock from its first statement (``transaction_mode=IMMEDIATE``), so primary keys can be allocated as
``MAX(id) + i``; on other databases the caller uses ``bulk_create`` (which returns the keys) instead.

The rows can be prepared (adapted to tuples) before the write transaction, with primary and foreign keys
counted from 0, and executed later with the keys shifted (:meth:`Prepared.execute`): the importer builds
its rows while other users may still write, and holds the lock only for the ``executemany``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models


def fast_path_available() -> bool:
    return connection.vendor == "sqlite"


def _adapter(field: models.Field) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        memo: dict[Any, Any] = {}  # an import stamps every row with the same few instants

        def adapt_datetime(v: Any) -> Any:
            if v is None:
                return None
            if v not in memo:
                memo[v] = ops.adapt_datetimefield_value(v)
            return memo[v]

        return adapt_datetime
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else (v.isoformat() if isinstance(v, dt.date) else v)
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(v if isinstance(v, Decimal) else Decimal(str(v)))
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if isinstance(field, models.BooleanField):
        return lambda v: None if v is None else bool(v)
    return lambda v: v


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX({model._meta.pk.column}), 0) FROM {model._meta.db_table}")
        return int(cur.fetchone()[0]) + 1


@dataclass
class Prepared:
    """An INSERT with its rows already adapted for the driver; column names are field attnames."""

    sql: str
    columns: list[str]
    values: list[tuple[Any, ...]]

    def execute(self, add: dict[str, int] | None = None) -> None:
        """Run the insert; ``add`` shifts integer columns (keys counted from 0) by a number, in SQL, so that
        the prepared tuples go to the driver as they are."""
        if not self.values:
            return
        sql = self.sql
        if add:
            marks = ", ".join(f"%s + {int(add[c])}" if c in add else "%s" for c in self.columns)
            sql = f"{sql[:sql.rindex('VALUES')]}VALUES ({marks})"
        with connection.cursor() as cur:
            cur.executemany(sql, self.values)


def prepare_rows(model: type[models.Model], rows: list[dict[str, Any]], with_pk: bool = False) -> Prepared:
    """Adapt ``rows`` (dicts by field attname; missing fields take their default) for one executemany."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    defaults = {}
    for f in fields:
        if f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null or f.primary_key:
            defaults[f.attname] = None
        elif isinstance(f, (models.CharField, models.TextField)):
            defaults[f.attname] = ""
    adapters = [(f.attname, _adapter(f), defaults.get(f.attname)) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"
    values = [tuple(adapt(row.get(name, default)) for name, adapt, default in adapters) for row in rows]
    return Prepared(sql, [f.attname for f in fields], values)


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]], with_pk: bool = False) -> None:
    """Insert ``rows`` (dicts by field attname; missing fields take their default) in one executemany."""
    if rows:
        prepare_rows(model, rows, with_pk).execute()
