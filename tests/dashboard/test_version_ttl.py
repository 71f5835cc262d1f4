"""The dashboard's data version is reused for its TTL in production and re-read at once in tests."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from miaf.web.dashboard.cache import data_version

pytestmark = pytest.mark.django_db


def test_the_data_version_is_reused_for_its_ttl_and_changes_after_it(settings, world):
    from miaf.web.registry.models import Family

    caches["dashboard"].clear()
    settings.MIAF_DASHBOARD_VERSION_TTL_S = 60
    before = data_version()
    Family.objects.create(code="OJO-099", name="Familia Nueva", locality=world.locality)
    assert data_version() == before  # within the TTL: the remembered fingerprint
    caches["dashboard"].delete("dash:data-version")  # the TTL has run out
    assert data_version() != before
    settings.MIAF_DASHBOARD_VERSION_TTL_S = 0
    Family.objects.create(code="OJO-100", name="Otra Familia", locality=world.locality)
    after = data_version()
    Family.objects.filter(code="OJO-100").delete()
    assert data_version() != after  # TTL 0: every call reads the tables
