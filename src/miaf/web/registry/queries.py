"""Shared registry queries: each rule once, for the pages, the API, the exports and the aggregates.

* :func:`aggregate_families`: which families count in a user's aggregates (home figures, ``/stats``,
  programme environment);
* :func:`family_summary`: the family list's columns (current group and organisation, members, plots,
  hectares), used by the families page and the families export;
* :func:`with_family_count`: a group's current families;
* :func:`sum_by`: a correlated sum/count sub-query without join fan-out.
"""

from __future__ import annotations

from django.db.models import Count, FloatField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import groups_for, role_of


def sum_by(qs, key: str, expr, output_field) -> Coalesce:  # noqa: ANN001
    """Correlated sub-query ``expr`` of ``qs`` grouped by ``key`` (no join fan-out in the outer query)."""
    sub = qs.order_by().values(key).annotate(v=expr).values("v")[:1]
    zero = Value(0.0) if isinstance(output_field, FloatField) else Value(0)
    return Coalesce(Subquery(sub, output_field=output_field), zero, output_field=output_field)


def aggregate_families(user) -> QuerySet:  # noqa: ANN001
    """Families counted in ``user``'s aggregates: all for administrators (and system jobs, ``user=None``);
    otherwise those with a current membership of one of :func:`groups_for` ``(user)`` (analysts included:
    aggregates are not personal data). A family that left a group no longer counts for it."""
    from miaf.web.registry.models import Family

    if user is None or role_of(user) == Role.ADMINISTRATOR:
        return Family.objects.all()
    current = Family.objects.filter(memberships__group__in=groups_for(user), memberships__left_on__isnull=True)
    return Family.objects.filter(pk__in=current.values("pk"))


def family_summary(families: QuerySet) -> QuerySet:
    """``families`` with the list and export columns: current ``group_name`` and ``organisation_name``,
    ``municipality_code`` (INEGI), ``n_members``, ``n_plots`` and ``area_ha``, ordered by code."""
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Member, Membership

    open_membership = Membership.objects.filter(family=OuterRef("pk"), left_on__isnull=True)
    plots = Plot.objects.filter(family=OuterRef("pk"))
    return families.annotate(
        municipality_code=Concat("locality__municipality__state_code", "locality__municipality__code"),
        group_name=Subquery(open_membership.values("group__name")[:1]),
        organisation_name=Subquery(open_membership.values("group__producer_organisation__name")[:1]),
        n_members=sum_by(Member.objects.filter(family=OuterRef("pk")), "family", Count("pk"), IntegerField()),
        n_plots=sum_by(plots, "family", Count("pk"), IntegerField()),
        area_ha=sum_by(plots, "family", Sum("area_ha"), FloatField()),
    ).order_by("code")


def with_family_count(groups: QuerySet) -> QuerySet:
    """``groups`` annotated with ``n_families``: the families whose membership of the group is open."""
    return groups.annotate(n_families=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True))
