"""Middleware of our own.

* :func:`spanish_first`: the interface is Spanish unless the user picks English with the language switch.
  Django's LocaleMiddleware would otherwise follow the browser's Accept-Language header; promoters often
  share devices set up in English, and the programme's working language is Spanish. The explicit choice
  (the ``django_language`` cookie set by the switch) still wins.
* :func:`retry_reads_after_a_lost_database`: a read that lost its database connection (a PostgreSQL
  restart) is answered again on a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


def spanish_first(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        # API clients ask for their language with Accept-Language; only the pages are Spanish first.
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware


# ----------------------------------------------------------------------------- a lost database connection

#: Set on a request whose view lost its database connection (see :func:`_note_lost_connection`).
_LOST = "_miaf_lost_database"


def _lost_connections() -> list:
    """The database connections of this request that do not work: one the server ended (a restart, a
    terminated backend) or one that could not be opened (the server is still starting). A connection inside a
    transaction is left alone: its transaction cannot be resumed."""
    from django.db import connections

    return [c for c in connections.all(initialized_only=True)
            if not c.in_atomic_block and (c.connection is None or not c.is_usable())]


def _note_lost_connection(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """``got_request_exception``: mark the request when the exception is a database error and the connection
    is gone or could not be opened. A query error on a working connection (a timeout, a locked SQLite file, a
    constraint) is not marked: asking again would not help."""
    import sys

    from django.db import InterfaceError, OperationalError

    error = sys.exc_info()[1]
    if request is not None and isinstance(error, OperationalError | InterfaceError) and _lost_connections():
        setattr(request, _LOST, True)


def _database_back(wait_s: float) -> bool:
    """Close the lost connections and open new ones, waiting up to ``wait_s`` seconds (0.25 s, then doubling
    up to 2 s between tries) for the database server to accept them again."""
    import time

    from django.db import DatabaseError

    lost = _lost_connections()
    for conn in lost:
        conn.close()
    deadline, delay = time.monotonic() + wait_s, 0.25
    while True:
        try:
            for conn in lost:
                conn.ensure_connection()
            return True
        except DatabaseError:
            for conn in lost:
                conn.close()
            if time.monotonic() + delay > deadline:
                return False
            time.sleep(delay)
            delay = min(2 * delay, 2.0)


def retry_reads_after_a_lost_database(
        get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A page or API read (GET, HEAD) whose database connection was lost while it ran is answered once more,
    on a new connection, instead of with an error page.

    A PostgreSQL restart ends every backend: Django's health check (``CONN_HEALTH_CHECKS``) replaces a
    connection that died while idle, but a request whose query was running at that moment failed with a 500,
    and so did one that arrived while the server was down ("connection refused"): one or two of about 1,000
    in the load test's restart runs (docs/benchmarks/load.md). Reads are safe to repeat; a write
    (POST, PUT, PATCH, DELETE) is never repeated, since part of it may have been committed, and keeps its
    error. The wait for the server is ``MIAF_DB_RETRY_WAIT_S`` (settings); a server still down after it
    gives the error page as before.
    """
    from django.conf import settings
    from django.core.signals import got_request_exception

    got_request_exception.connect(_note_lost_connection, dispatch_uid="miaf-lost-database")

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if (response.status_code >= 500 and getattr(request, _LOST, False) and request.method in ("GET", "HEAD")
                and _database_back(settings.MIAF_DB_RETRY_WAIT_S)):
            setattr(request, _LOST, False)
            response = get_response(request)
            setattr(request, _LOST, False)  # never a third time
            # The first try was logged with its traceback as an error: say how it ended.
            logger.warning("%s %s lost its database connection and was answered again on a new one: %s",
                           request.method, request.path, response.status_code)
        return response

    return middleware
