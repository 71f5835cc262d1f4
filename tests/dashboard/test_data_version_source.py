"""The data version on PostgreSQL from its per-table change counters (issue 14, load at 100,000 families: counting
every table took 5.4 s and ran every 15 s): any insert, update or delete of a record table changes it, also
writes that bypass the ORM's save (``QuerySet.update``), and it costs a millisecond."""

from __future__ import annotations

import pytest
from django.db import connection

from miaf.web.dashboard import cache
from miaf.web.registry.models import Family


def postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.mark.django_db
def test_sqlite_always_counts_rows(settings):
    settings.MIAF_DATA_VERSION_SOURCE = "activity"
    assert cache.version_source() == ("activity" if postgres() else "counts")


@pytest.mark.django_db
def test_the_activity_version_follows_a_save_an_update_that_bypasses_save_and_a_delete(world, settings):
    if not postgres():
        pytest.skip("PostgreSQL's statistics only")
    settings.MIAF_DATA_VERSION_SOURCE = "activity"
    seen = [cache.read_version()]
    world.fam_ojo.name = "Familia Gómez Pérez (cambiada)"
    world.fam_ojo.save()
    seen.append(cache.read_version())
    Family.objects.filter(pk=world.fam_vergel.pk).update(notes="sin sello de fecha")  # no updated_at change
    seen.append(cache.read_version())
    world.plot_other.delete()
    seen.append(cache.read_version())
    assert len(set(seen)) == 4, seen
    assert cache.read_version() == seen[-1]  # nothing written: the same version


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_shows_once_postgresql_reports_it(settings):
    if not postgres():
        pytest.skip("PostgreSQL's statistics only")
    from miaf.web.registry.models import Organisation

    settings.MIAF_DATA_VERSION_SOURCE = "activity"
    before = cache.read_version()
    Organisation.objects.create(name="Organización nueva", short_name="ON")  # committed (autocommit)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")  # report at the end of this statement's transaction
        cursor.execute("SELECT 1")
    assert cache.read_version() != before
