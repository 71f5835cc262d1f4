"""The accompaniment workspace on a promoter's phone, end to end (issue 11).

At 390 px, the demo promoter opens "Mi día" from the menu, records the due visit of one of her families with a
tree measurement, moves her new working group from step 5 to step 6 of the method with its trust-work
commitment, and records a harvest with a sale; the coordinator's process board, open beforehand, then shows
the group at step 6.
"""

from __future__ import annotations

import datetime as dt

import pytest

from miaf.web.demo import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM, PHONE, fits_the_screen
from tests.browser.test_journeys import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]


def open_from_menu(page, label: str) -> None:  # noqa: ANN001
    """Open the phone menu, unfold the section holding ``label`` and follow the link."""
    page.click(".menu-toggle")
    assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"
    link = page.locator("#mainnav a", has_text=label).first
    page.locator("#mainnav details").filter(has=page.locator("a", has_text=label)).locator("summary").click()
    assert link.bounding_box()["height"] >= 44
    link.click()


def board_row(page, group_name: str) -> str:  # noqa: ANN001
    return page.locator("table.board tbody tr", has_text=group_name).inner_text()


def new_group_at_step_5(promoter, coordinator):  # noqa: ANN001, ANN201
    """A working group newly assigned to the promoter, with one of her families with a plot, at step 5."""
    from miaf.web.accounts.scoping import families_for
    from miaf.web.process import services as process
    from miaf.web.registry.models import Group
    from miaf.web.registry.services import move_family

    family = families_for(promoter).filter(plots__isnull=False).order_by("code").first()
    old = family.current_membership.group
    group = Group.objects.create(name="Nuevo Amanecer", locality=old.locality,
                                 producer_organisation=old.producer_organisation,
                                 formed_on=dt.date(2025, 1, 10))
    promoter.profile.groups.add(group)
    move_family(coordinator, family, group, dt.date(2025, 2, 1))
    day = dt.date(2025, 2, 1)
    for number in range(1, 5):
        process.start_step(coordinator, group, number, day)
        day += dt.timedelta(days=20)
        process.complete_step(coordinator, group, number, day)
    process.start_step(coordinator, group, 5, day)
    return group, family


def test_a_promoter_does_her_day_on_a_phone_and_the_coordinator_sees_the_board_change(browser_page, demo_site):  # noqa: ANN001, PLR0915
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from miaf.web.fieldwork.models import Visit, VisitPlan
    from miaf.web.process.models import Commitment, GroupProgress
    from miaf.web.records.models import Harvest

    users = get_user_model().objects
    promoter, coordinator = users.get(username="promotor"), users.get(username="coordinadora")
    group, family = new_group_at_step_5(promoter, coordinator)
    plot = family.plots.order_by("pk").first()
    today = timezone.localdate()
    VisitPlan.objects.filter(family=family, status="planned").delete()
    VisitPlan.objects.create(family=family, promoter=promoter, due_on=today - dt.timedelta(days=2),
                             purpose="Medir los árboles")
    page, base = browser_page, demo_site.url

    # The coordinator has the process board open (desktop): the new group is at step 5.
    desk = page.context.browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    board = desk.new_page()
    board.goto(base + "/accounts/login/")
    board.fill("#id_username", "coordinadora")
    board.fill("#id_password", DEMO_PASSWORD)
    board.click("main button[type=submit]")
    board.wait_for_url(base + "/")
    board.goto(f"{base}/proceso/?promoter={promoter.pk}")
    assert board_row(board, "Nuevo Amanecer").split("\t")[1].startswith("5.")

    # The promoter, on her phone: "Mi día" from the menu lists the overdue visit.
    page.set_viewport_size(PHONE)
    log_in(page, base, "promotor")
    open_from_menu(page, "Mi día")
    assert fits_the_screen(page)
    row = page.locator("#pendientes li", has_text=family.code).first
    row.locator("a.button").click()
    assert fits_the_screen(page)
    page.fill("#id_agreements", "Podar los aguacates en enero")
    page.select_option("#id_arboles-0-species", index=1)
    page.fill("#id_arboles-0-diameter_cm", "4.2")
    page.fill("#id_arboles-0-height_m", "1.6")
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_selector(".messages li")
    visit = Visit.objects.get(family=family, visited_on=today)
    assert visit.promoter == promoter and visit.measurements.get().diameter_cm == 4.2
    assert not VisitPlan.objects.filter(family=family, status="planned", due_on__lt=today).exists()

    # The process board, then the group's page, then its trust-work commitment: step 5 → 6.
    open_from_menu(page, "Tablero del proceso")
    assert fits_the_screen(page)
    page.locator("table.board a", has_text="Nuevo Amanecer").click()
    assert fits_the_screen(page)
    page.click("a:text('Registrar compromiso')")
    assert fits_the_screen(page)
    page.fill("#id_terms", "Aplicar bien los recursos y comprar los insumos en colectivo.")
    page.locator("input[name=signatories]").first.check()
    assert page.is_checked("#id_advance")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".messages li")
    assert GroupProgress.objects.get(group=group).number == 6
    commitment = Commitment.objects.get(group=group)
    assert commitment.signatories.filter(family=family).count() == 1

    # A harvest with a sale, from the plot's page.
    page.goto(f"{base}/parcelas/{plot.pk}/")
    page.click("#registros a:text('Cosecha y venta')")
    assert fits_the_screen(page)
    page.select_option("#id_species", index=1)
    page.fill("#id_harvested_on", (today - dt.timedelta(days=1)).isoformat())
    page.fill("#id_quantity_kg", "80")
    page.select_option("#id_destinations-0-destination", "organisation")
    page.fill("#id_destinations-0-kg", "60")
    page.fill("#id_destinations-0-price_mxn_per_kg", "12.50")
    page.fill("#id_destinations-0-buyer", "Cooperativa")
    page.locator("main form.records-form button[type=submit]").click()
    page.wait_for_selector(".messages li")
    harvest = Harvest.objects.get(plot=plot, harvested_on=today - dt.timedelta(days=1))
    sale = harvest.destinations.get()
    assert sale.destination == "organisation" and float(sale.price_mxn_per_kg) == 12.5
    assert fits_the_screen(page)
    assert page.errors == []

    # The coordinator reloads her board: the group is now at step 6 and its last visit is today.
    board.reload()
    cells = board_row(board, "Nuevo Amanecer").split("\t")
    assert cells[1].startswith("6."), cells
    assert today.strftime("%d/%m/%Y") in "\t".join(cells) or today.strftime("%d/%m/%y") in "\t".join(cells)
    desk.close()
