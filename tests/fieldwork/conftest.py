"""Fieldwork fixtures: the API client of ``tests/api`` and a species for tree measurements."""

from __future__ import annotations

import pytest

from tests.api.conftest import api_as, tokens  # noqa: F401  (fixtures shared with the API tests)


@pytest.fixture
def species(db):  # noqa: ANN001, ANN201
    from miaf.web.catalogue.models import Species

    return Species.objects.filter(code="aguacate").first() or Species.objects.order_by("pk").first()
