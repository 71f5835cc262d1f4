"""The one write check, :func:`miaf.web.accounts.scoping.require_in_scope`, inside the use cases themselves
(issue 14, item 2): a caller that forgot its own check still cannot write outside the actor's reach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from miaf.web.accounts.scoping import require_in_scope
from miaf.web.designer.services import save_design
from miaf.web.plots.models import Plot, PlotDesign, PlotPhase
from miaf.web.plots.services import convert_plot, register_plot
from tests.conftest import VERGEL_POLYGON

pytestmark = pytest.mark.django_db


def test_a_promoter_cannot_register_a_plot_for_another_groups_family(world):
    plot = Plot(family=world.fam_vergel, name="Intrusa", boundary=VERGEL_POLYGON)
    with pytest.raises(PermissionDenied):
        register_plot(plot, dt.date(2020, 1, 1), actor=world.ana)
    assert not Plot.objects.filter(name="Intrusa").exists()
    register_plot(plot, dt.date(2020, 1, 1), actor=world.beto)  # beto's family: his to register
    assert Plot.objects.filter(name="Intrusa", family=world.fam_vergel).exists()


def test_a_promoter_cannot_convert_another_groups_plot(world):
    phases = PlotPhase.objects.filter(plot=world.plot_vergel).count()
    with pytest.raises(PermissionDenied):
        convert_plot(world.plot_vergel, "miaf", dt.date(2021, 1, 1), actor=world.ana)
    assert PlotPhase.objects.filter(plot=world.plot_vergel).count() == phases


def test_a_promoter_cannot_save_a_design_on_another_groups_plot(world):
    with pytest.raises(PermissionDenied):
        save_design(world.plot_vergel, None, {}, world.ana)  # refused before the result is read
    assert not PlotDesign.objects.exists()


@pytest.mark.parametrize("who", ["ana", "diego", "olga"])
def test_the_write_check_refuses_beto_s_family_plot_and_group_to_others(world, who):
    user = getattr(world, who)
    for obj in (world.fam_vergel, world.plot_vergel, world.group_vergel):
        with pytest.raises(PermissionDenied):
            require_in_scope(user, obj)


@pytest.mark.parametrize("who", ["beto", "carla", "root"])
def test_the_write_check_lets_those_within_reach_through(world, who):
    user = getattr(world, who)
    for obj in (world.fam_vergel, world.plot_vergel, world.group_vergel):
        require_in_scope(user, obj)
    require_in_scope(None, world.fam_vergel)  # the system (command line)
