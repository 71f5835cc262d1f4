"""Who acted and through which path, for every historical row.

django-simple-history takes the user from the request its middleware keeps (``HistoryRequestMiddleware``);
the API's token authentication sets ``request.user`` on that same request, so forms, the admin and the API
need nothing more. Work done outside a request (the import command, management commands, background jobs)
says who acts with :func:`acting`; a record can still carry an explicit ``_history_user``.

The path (``web``, ``api``, ``admin``, ``import``, ``command``) goes into ``history_change_reason``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from simple_history.models import HistoricalRecords

_actor: contextvars.ContextVar[tuple[Any, str] | None] = contextvars.ContextVar("miaf_audit_actor", default=None)

WEB, API, ADMIN, IMPORT, COMMAND = "web", "api", "admin", "import", "command"


@contextmanager
def acting(user: Any, via: str) -> Iterator[None]:
    """Attribute the history rows written inside the block to ``user`` (may be ``None``) and path ``via``."""
    token = _actor.set((user, via))
    try:
        yield
    finally:
        _actor.reset(token)


def _request() -> Any:
    return getattr(HistoricalRecords.context, "request", None)


def current_actor() -> tuple[Any, str]:
    """(user or None, path) of the change being written now."""
    explicit = _actor.get()
    if explicit is not None:
        user, via = explicit
        return (user if getattr(user, "pk", None) else None), via
    request = _request()
    if request is None:
        return None, COMMAND
    user = getattr(request, "user", None)
    path = getattr(request, "path", "") or ""
    via = API if "/api/" in path else ADMIN if "/admin/" in path else WEB
    return (user if getattr(user, "is_authenticated", False) else None), via


class AuditedRecords(HistoricalRecords):
    """``HistoricalRecords`` whose user and path come from :func:`current_actor`."""

    def get_history_user(self, instance: Any) -> Any:
        explicit = getattr(instance, "_history_user", None)
        return explicit if explicit is not None else current_actor()[0]

    def get_change_reason_for_object(self, instance: Any, history_type: str, using: Any) -> str:
        reason = getattr(instance, "_change_reason", None)
        return reason or current_actor()[1]


def bulk_create(model: Any, rows: list[Any]) -> list[Any]:
    """``model.objects.bulk_create(rows)`` plus one history row each (the library's
    ``bulk_create_with_history``), attributed like a save. For the few child rows a form writes at once
    (destinations, members, measurements); the demo loader and the import fast path keep plain bulk inserts."""
    from simple_history.utils import bulk_create_with_history

    return bulk_create_with_history(rows, model, default_change_reason=current_actor()[1])
