"""The menu reaches every page a role may open.

For each persona the test lists every page without parameters that answers the persona with an HTML page
(walking Django's URL configuration, so a page added tomorrow is covered without touching this file), then
crawls the site from the home page following only links (``<a href>``), as a person would, and fails on any
such page that no chain of links reaches. Object pages (a family, a plot, a group …) must be reached for the
personas that may open them.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from miaf.web.core.menu import menu_for

pytestmark = pytest.mark.django_db

PERSONAS = ("root", "carla", "ana", "diego")
#: Pages that are not destinations (forms' targets, the end of a flow) or belong to other sites.
NOT_DESTINATIONS = {"login", "logout", "password_change_done", "set_language", "healthz",
                    "group_options"}  # the group picker's suggestion list, a fragment fetched while typing
SKIP_PREFIXES = ("/admin/", "/i18n/", "/static/", "/accounts/logout")
MAX_PAGES = 600


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def parameterless_names(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every named URL of the site that takes no argument (namespaced as ``ns:name``)."""
    resolver = resolver or get_resolver()
    names = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("admin/", "i18n/")):
                continue
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names += parameterless_names(p, ns)
        elif isinstance(p, URLPattern) and p.name and not p.pattern.converters and "<" not in str(p.pattern):
            if p.pattern.regex.groups == 0:
                names.append(prefix + p.name)
    return sorted(set(names))


def is_html_page(response) -> bool:  # noqa: ANN001
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def crawl(client) -> set[str]:  # noqa: ANN001
    """Paths reached from the home page by following links only."""
    seen: set[str] = set()
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen:
            continue
        seen.add(path)
        response = client.get(url)
        if not is_html_page(response):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or parts.path in seen:
                continue
            queue.append(href)
    return seen


def object_pages(world) -> dict[str, str]:  # noqa: ANN001
    """Pages of one object each that the personas with access must reach through links."""
    candidates = {
        "registry:family_detail": [world.fam_ojo.pk],
        "plots:detail": [world.plot_ojo.pk],
        "economy:family": [world.fam_ojo.pk],
        "economy:plot": [world.plot_ojo.pk],
        "environs:family": [world.fam_ojo.pk],
        "environs:plot": [world.plot_ojo.pk],
        "designer:plot": [world.plot_ojo.pk],
        "process:group": [world.group_ojo.pk],
        "records:family": [world.fam_ojo.pk],
        "audit:family_history": [world.fam_ojo.pk],
        "audit:user_activity": [world.ana.pk],
    }
    out = {}
    for name, args in candidates.items():
        try:
            out[name] = reverse(name, args=args)
        except NoReverseMatch:
            continue
    return out


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_role_may_open_is_reachable_from_the_menu(world, client_for, persona):
    client = client_for(getattr(world, persona))
    may_open = {}
    for name in parameterless_names():
        if name.split(":")[-1] in NOT_DESTINATIONS or name.startswith("api-v1:"):
            continue
        url = reverse(name)
        if is_html_page(client.get(url)):
            may_open[name] = url
    for name, url in object_pages(world).items():
        if is_html_page(client.get(url)):
            may_open[name] = url
    reached = crawl(client)
    unreachable = sorted(name for name, url in may_open.items() if url not in reached)
    assert may_open, "the persona may open no page at all"
    assert not unreachable, f"{persona} may open these pages but no link leads to them: {unreachable}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_menu_offers_no_page_the_role_may_not_open(world, client_for, persona):
    user = getattr(world, persona)
    client = client_for(user)
    from miaf.web.accounts.scoping import role_of

    for item in menu_for(role_of(user)):
        for link in item["links"]:
            response = client.get(link["url"])
            assert response.status_code == 200, f"{persona}: menu link {link['name']} answers {response.status_code}"


def test_the_analyst_menu_has_no_personal_data_pages(world):
    from miaf.web.accounts.scoping import role_of

    names = {link["name"] for item in menu_for(role_of(world.diego)) for link in item["links"]}
    assert "registry:family_list" not in names and "plots:list" not in names
    assert "exports:index" in names  # the open data he may download


def test_the_menu_is_rendered_with_a_phone_toggle(world, client_for):
    html = client_for(world.ana).get("/").content.decode()
    assert 'class="menu-toggle"' in html and 'aria-controls="mainnav"' in html
    assert f'href="{reverse("registry:family_list")}"' in html
