"""Paging of a list already in memory (a cached result's rows) with a page picker that keeps the filters.

The registry lists page a queryset (:func:`miaf.web.registry.views.list_page`); the market and trade pages
page the rows of a result computed once and cached (:mod:`miaf.web.core.memo`), so only the rows of the
page shown are rendered. Django's :class:`~django.core.paginator.Paginator` answers a bad page number with
the first page (not a number) or the last (beyond the end), never an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

#: Rows of a one-row-per-group table on a page (the registry's lists show 50 too).
GROUPS_PER_PAGE = 50


def page_of(request: HttpRequest, items: Sequence, per_page: int, param: str = "page") -> Page:
    """The page of ``items`` asked for by ``request.GET[param]`` (first page if absent or not a number,
    last page if beyond the end)."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def picker(request: HttpRequest, page: Page, param: str = "page", anchor: str = "") -> dict:
    """Context for ``core/_page_picker.html``: links to the neighbouring pages and a form to jump to one,
    all keeping every other query parameter (the page's filters) unchanged."""
    keep = [(k, v) for k, values in request.GET.lists() if k != param for v in values]

    def url(n: int) -> str:
        q = request.GET.copy()
        q[param] = str(n)
        return f"?{q.urlencode()}{anchor}"

    return {"page": page, "param": param, "keep": keep, "anchor": anchor,
            "first": url(1) if page.number > 2 else "",
            "prev": url(page.previous_page_number()) if page.has_previous() else "",
            "next": url(page.next_page_number()) if page.has_next() else "",
            "last": url(page.paginator.num_pages) if page.number < page.paginator.num_pages - 1 else ""}
