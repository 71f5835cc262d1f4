"""Paging of a list already in memory (a cached result's rows) with a page picker that keeps the filters.

The registry lists page a queryset (:func:`miaf.web.registry.views.list_page`); the market and trade pages
page the rows of a result computed once and cached (:mod:`miaf.web.core.memo`), so only the rows of the
page shown are rendered. Django's :class:`~django.core.paginator.Paginator` answers a bad page number with
the first page (not a number) or the last (beyond the end), never an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

T = TypeVar("T")

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


def _kept(what: str, qs: QuerySet, compute: Callable[[], T]) -> T:
    """``compute()`` of ``qs``, kept per query and data version when computing it is slow (see :func:`cached_count`)."""
    import time

    from miaf.web.dashboard import cache

    sql, params = qs.query.get_compiler(qs.db).as_sql()
    key = hashlib.blake2b(repr((qs.model._meta.label, sql, params)).encode(), digest_size=12).hexdigest()
    version = cache.data_version()
    hit = cache.get(what, key, "")
    if hit is not None and hit.version == version:
        return hit.value
    started = time.perf_counter()
    value = compute()
    if time.perf_counter() - started >= cache.param("count_cache_min_s"):
        cache.put(what, key, "", version, value)
    return value


def cached_count(qs: QuerySet) -> int:
    """``qs.count()``, kept per query and data version (:func:`miaf.web.dashboard.cache.data_version`) when
    counting is slow.

    A list's total is a scan of the user's whole scope (every family of a coordinator's groups: tens of
    milliseconds at 100,000 families on each page of the family list and the API), and it changes only when
    the data do. The key is the query's SQL with its parameters, so it holds the scope and the filters; the
    version covers the record tables and the promoters' group assignments. A count faster than
    ``count_cache_min_s`` (params/dashboard.csv: a promoter's few hundred families) is never kept, so a small
    scope's total is always exact, not up to ``version_ttl_s`` old.
    """
    return _kept("count", qs, qs.count)


def cached_ids(qs: QuerySet) -> list:
    """The primary keys of ``qs``, kept like :func:`cached_count` (the choices of a list's filters: the
    municipalities where a coordinator's 100,000 families live)."""
    return _kept("ids", qs, lambda: list(qs.values_list("pk", flat=True)))


class CountedPaginator(Paginator):
    """A :class:`~django.core.paginator.Paginator` whose total of a queryset comes from :func:`cached_count`."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count

