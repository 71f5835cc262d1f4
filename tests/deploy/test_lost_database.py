"""A read whose database connection is lost while it runs is answered again on a new connection (issue 14,
item 9: "the database restarted under load and the app recovering by itself").

A PostgreSQL restart ends every backend. The test ends the request's own backend with
``pg_terminate_backend(pg_backend_pid())`` just before the family list's first family query, which is what
a restart does to a query that is running: the connection is gone, and the query fails. Carla's GET is answered
with her list on a new connection. A GET that arrives while the server is down (its connections refused)
waits for it and is answered once it is back. A POST that loses its connection keeps its error, because part of a write
may have been committed. A database error on a working connection is not asked again.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                   reason="ends a PostgreSQL backend (SQLite has no server to lose)")


class EndBackendOnce:
    """An execute wrapper that ends the connection's backend before the first query on ``table``."""

    def __init__(self, table: str) -> None:
        self.table, self.ended, self.pids = table, 0, []

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001, ANN204
        if not self.ended and self.table in sql:
            self.ended += 1
            raw = context["connection"].connection
            self.pids.append(raw.info.backend_pid)
            try:
                raw.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            except Exception:  # noqa: BLE001, S110 (the backend ends: that is the point)
                pass
        return execute(sql, params, many, context)


@pytest.fixture(autouse=True)
def _closes_a_lost_connection():  # noqa: ANN202
    """The test client keeps Django from closing a broken connection at the end of a request: close it here, so
    that a failing test does not break the next one's set-up."""
    yield
    if connection.connection is not None and not connection.in_atomic_block and not connection.is_usable():
        connection.close()


def logged_in(user) -> Client:  # noqa: ANN001
    client = Client(raise_request_exception=False)  # the first, lost try still signals its exception
    client.force_login(user)
    return client


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_read_that_loses_its_connection_is_answered_on_a_new_one(world, caplog):  # noqa: ANN001
    client = logged_in(world.carla)
    end = EndBackendOnce('"registry_family"')
    with connection.execute_wrapper(end), caplog.at_level("WARNING", logger="miaf.web.core.middleware"):
        response = client.get("/familias/")
    assert "GET /familias/ lost its database connection and was answered again on a new one: 200" in caplog.text
    assert end.ended == 1  # the connection really was lost once
    assert response.status_code == 200
    assert "OJO-001" in response.content.decode()
    assert connection.connection.info.backend_pid != end.pids[0]  # answered on a new backend


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_read_that_arrives_while_the_server_is_down_waits_for_it(world, monkeypatch):  # noqa: ANN001
    import psycopg

    client = logged_in(world.carla)
    real, tries = connection.get_new_connection, []

    def refused_twice(params):  # noqa: ANN001, ANN202
        tries.append(params)
        if len(tries) <= 2:
            raise psycopg.OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
        return real(params)

    connection.close()  # the server went down between two requests
    monkeypatch.setattr(connection, "get_new_connection", refused_twice)
    response = client.get("/familias/")
    assert response.status_code == 200 and "OJO-001" in response.content.decode()
    assert len(tries) == 3  # refused for the request, refused once more while waiting, then back


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_write_that_loses_its_connection_is_not_repeated(world):  # noqa: ANN001
    from miaf.web.registry.models import Family

    client = logged_in(world.carla)
    before = Family.objects.count()
    end = EndBackendOnce('"registry_')
    with connection.execute_wrapper(end):
        response = client.post("/familias/nueva/", {"code": "NUE-001", "name": "Familia Nueva"})
    assert end.ended == 1
    assert response.status_code == 500
    connection.close()
    assert Family.objects.count() == before


@pytest.mark.django_db
def test_an_error_on_a_working_connection_is_not_asked_again(world):  # noqa: ANN001
    calls = []

    def fail_once(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        if '"registry_family"' in sql and not calls:
            calls.append(sql)
            raise OperationalError("database is locked")  # what SQLite says when another writer holds it
        return execute(sql, params, many, context)

    client = logged_in(world.carla)
    with connection.execute_wrapper(fail_once):
        response = client.get("/familias/")
    assert len(calls) == 1
    assert response.status_code == 500  # asking again would have succeeded: it was not asked again
