"""The API tested from its own OpenAPI schema (schemathesis): no operation answers a server error.

Every operation is called with generated requests (valid and invalid bodies, queries and ids) through
the Django WSGI application in-process, so the test database of the shared ``world`` is used. Callers
rotate among the personas (administrator, coordinator, promoter, analyst), and half of the generated ids
are swapped for ids of real rows so that updates and deletes reach the database.

Checks: no 5xx, every status code and content type documented, every response body valid against its
schema. 15 generated examples per operation (87 operations, ~1 min on 2 idle cores). Schemathesis'
exhaustive "coverage" phase (~90 boundary cases per operation, ~3 min) runs with
``MIAF_API_COVERAGE_PHASE=true``.
"""

from __future__ import annotations

import itertools
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
COVERAGE = os.environ.get("MIAF_API_COVERAGE_PHASE", "false") == "true"
PERSONAS = itertools.cycle(["root", "carla", "ana", "diego"])


def load_schema():  # noqa: ANN201
    # Loaded at collection (pytest-django has configured Django); serving the schema needs no database.
    # (``schemathesis.pytest.from_fixture`` would be lazier but breaks on pytest 9: Function._nodeid.)
    from miaf.web.wsgi import application

    config = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)


schema = load_schema()


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():
    """Calls go straight to the WSGI app, so Django sends request_started/finished, whose
    ``close_old_connections`` closes a connection whose autocommit differs from its settings: inside the
    test's transaction on PostgreSQL that is the test's own connection. Django's test client detaches the
    same receiver for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def real_ids(world, records) -> dict[str, int]:  # noqa: ANN001
    return {
        "families": world.fam_ojo.pk, "plots": world.plot_ojo.pk, "groups": world.group_ojo.pk,
        "organisations": world.org_coffee.pk, "localities": world.locality.pk,
        "municipalities": world.municipality.pk, "plantings": records.planting.pk,
        "harvests": records.harvest.pk, "labour": records.labour.pk, "ledger": records.ledger.pk,
        "visits": records.visit.pk, "trainings": records.training.pk, "inputs": records.input_purchase.pk,
    }


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case, world, records, tokens):  # noqa: ANN001
    params = case.path_parameters or {}
    if isinstance(params.get("id"), int) and params["id"] % 2 == 0:
        resource = case.operation.path.split("/")[3]
        params["id"] = real_ids(world, records).get(resource, params["id"])
    # Sub-rows of a training or plot: half of them are the real attendance row and design version.
    if isinstance(params.get("attendance_id"), int) and params["attendance_id"] % 2 == 0:
        params["attendance_id"] = records.attendance.pk
    if isinstance(params.get("version"), int) and params["version"] % 2 == 0:
        params["version"] = records.design.version
    persona = next(PERSONAS)
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[persona]}", "Accept-Encoding": "identity"}, checks=CHECKS)
