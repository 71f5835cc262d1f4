"""The group picker in a browser at phone width: typing fills its suggestions from the server (htmx), choosing
one filters the family list, and the filter bar still fits 390 px."""

from __future__ import annotations

import pytest

from .conftest import PHONE, WIDEST
from .test_journeys import log_in

pytestmark = pytest.mark.browser


def test_typing_in_the_group_field_suggests_groups_and_choosing_one_filters_the_list(browser_page, demo_site):
    from miaf.web.registry.models import Family, Group

    page = browser_page
    page.set_viewport_size(PHONE)
    base = demo_site.url
    log_in(page, base, "coordinadora")
    page.goto(base + "/familias/")
    assert page.eval_on_selector_all("#id_group-options option", "os => os.length") == 0
    assert page.evaluate(WIDEST)[0] <= PHONE["width"]  # the filter bar with the picker fits the phone
    group = Group.objects.order_by("name").first()
    page.click("#id_group")
    page.keyboard.type(group.name[:4])
    page.wait_for_function("document.querySelectorAll('#id_group-options option').length > 0")
    values = page.eval_on_selector_all("#id_group-options option", "os => os.map(o => o.value)")
    assert 0 < len(values) <= 20 and str(group.pk) in values
    page.fill("#id_group", str(group.pk))
    page.dispatch_event("#id_group", "change")
    expected = Family.objects.filter(memberships__group=group, memberships__left_on__isnull=True).count()
    page.wait_for_url(f"**/familias/?*group={group.pk}*")
    page.wait_for_function(f"document.querySelector('#results .count').textContent.trim().startsWith('{expected} ')")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # htmx settles the swapped table (ui.js wraps it in its scroll box)
    wide = page.evaluate(WIDEST)
    assert wide[0] <= PHONE["width"], wide
    assert not page.errors
