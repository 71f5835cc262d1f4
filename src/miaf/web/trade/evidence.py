"""The side-selling section of the evidence report (:mod:`miaf.web.evidence.report`).

The figures are :func:`miaf.web.trade.analysis.side_selling` with the default assumptions over the report's
groups (organisation, group and year filters; municipality, system and sex of the head do not apply to sales
here and are named as not applied). For a reader without personal-data rights
(:func:`miaf.web.core.disclosure.applies`) every figure over fewer than k families is left out; the report
never lists families.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q


def _groups(user: Any, filters: Any):  # noqa: ANN202
    from miaf.web.accounts.scoping import groups_for
    from miaf.web.registry.models import Group

    qs = Group.objects.all() if user is None else groups_for(user)
    org = getattr(filters, "organisation", None)
    if org not in (None, ""):
        qs = qs.filter(producer_organisation_id=org) if str(org).isdigit() else qs.filter(
            Q(producer_organisation__name__iexact=org) | Q(producer_organisation__short_name__iexact=org))
    group = getattr(filters, "group", None)
    if group not in (None, ""):
        qs = qs.filter(pk=group) if str(group).isdigit() else qs.filter(name__iexact=group)
    return qs


def report_section(user: Any, filters: Any) -> dict:
    """What the report's side-selling subsection shows: the overall figures, the groups and the what-ifs."""
    from miaf.web.core import disclosure

    from .analysis import side_selling

    groups = _groups(user, filters)
    names = dict(groups.values_list("pk", "name"))
    protected = user is not None and disclosure.applies(user)
    year = getattr(filters, "year", None)
    r = dict(side_selling(list(names), year=int(year) if year else None, personal=not protected))  # a copy: cached
    r["families"] = []  # a document: never family by family
    r["groups"] = [g | {"name": names.get(g["group_id"], "")} for g in r["groups"]]
    r["protected"] = protected
    not_applied = [k for k in ("municipality", "system", "head_sex") if getattr(filters, k, None) not in (None, "")]
    r["filters_not_applied"] = not_applied
    return r
