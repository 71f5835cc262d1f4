"""Intake fixtures: the shared persona world plus the rows the export fixtures refer to by id."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.conftest import OJO_POLYGON, VERGEL_POLYGON
from tests.intake import exportwriters as ew

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def intake_world(world):  # noqa: ANN001, ANN201
    """``world`` plus plots 9001 (OJO-001) and 9002 (VER-001), group 9101 (ana's) and locality 9201."""
    from miaf.web.plots.models import Plot
    from miaf.web.plots.services import register_plot
    from miaf.web.registry.models import Group, Locality

    register_plot(Plot(pk=int(ew.PLOT_OJO), family=world.fam_ojo, name="El Bajo", boundary=OJO_POLYGON),
                  since=dt.date(2008, 1, 1))
    register_plot(Plot(pk=int(ew.PLOT_VERGEL), family=world.fam_vergel, name="La Cañada", boundary=VERGEL_POLYGON),
                  since=dt.date(2008, 1, 1))
    group = Group.objects.create(pk=int(ew.GROUP_OJO), name="Ojo de Agua — mujeres", locality=world.locality,
                                 producer_organisation=world.org_coffee)
    world.ana.profile.groups.add(group)
    Locality.objects.create(pk=int(ew.LOCALITY), name="Nuevo Ojo de Agua", municipality=world.municipality)
    return world


@pytest.fixture
def fixture_copy(tmp_path):  # noqa: ANN001, ANN201
    """Copy a committed fixture into tmp_path (so a test may alter it) and return the path."""

    def copy(name: str) -> Path:
        src = FIXTURES / name
        dst = tmp_path / name
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy(src, dst)
        return dst

    return copy
