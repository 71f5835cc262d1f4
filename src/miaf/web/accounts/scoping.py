"""Role scoping: the one place that decides which rows a user may see.

Every page and endpoint gets its querysets from here; a row outside the scope is simply not in the
queryset, so a promoter asking for another group's family gets a 404 (not a 403 that would confirm
it exists). Analysts get no personal-data querysets at all: :func:`require_personal_data` refuses them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from miaf.web.accounts.models import Role


def role_of(user) -> str | None:  # noqa: ANN001
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def can_see_personal_data(user) -> bool:  # noqa: ANN001
    return role_of(user) in (Role.ADMINISTRATOR, Role.COORDINATOR, Role.PROMOTER)


def require_personal_data(user) -> None:  # noqa: ANN001
    if not can_see_personal_data(user):
        raise PermissionDenied("This role sees programme aggregates only.")


def can_edit(user) -> bool:  # noqa: ANN001
    return role_of(user) in (Role.ADMINISTRATOR, Role.COORDINATOR, Role.PROMOTER)


def groups_for(user) -> QuerySet:  # noqa: ANN001
    """Working groups within the user's reach (analysts: those of their organisation, for aggregates)."""
    from miaf.web.registry.models import Group

    role = role_of(user)
    qs = Group.objects.select_related("locality__municipality", "producer_organisation")
    if role == Role.ADMINISTRATOR:
        return qs
    if role in (Role.COORDINATOR, Role.ANALYST):
        org = user.profile.organisation
        return qs.filter(producer_organisation__accompanied_by=org) if org else qs.none()
    if role == Role.PROMOTER:
        return qs.filter(promoters=user.profile)
    return qs.none()


def organisations_for(user) -> QuerySet:  # noqa: ANN001
    from miaf.web.registry.models import Organisation

    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return Organisation.objects.all()
    profile = getattr(user, "profile", None)
    if role is None or profile is None or profile.organisation_id is None:
        return Organisation.objects.none()
    if role == Role.PROMOTER:
        return Organisation.objects.filter(
            Q(pk=profile.organisation_id) | Q(groups__in=groups_for(user))
        ).distinct()
    return Organisation.objects.filter(Q(pk=profile.organisation_id) | Q(accompanied_by=profile.organisation_id))


def _family_filter(user, prefix: str = "") -> Q | None:  # noqa: ANN001
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return Q()
    if role == Role.COORDINATOR:
        org = user.profile.organisation_id
        return Q(**{f"{prefix}memberships__group__producer_organisation__accompanied_by": org})
    if role == Role.PROMOTER:
        return Q(**{f"{prefix}memberships__group__promoters": user.profile, f"{prefix}memberships__left_on__isnull": True})
    return None


def families_for(user) -> QuerySet:  # noqa: ANN001
    """Families with personal data the user may see (none for analysts and anonymous users)."""
    from miaf.web.registry.models import Family

    flt = _family_filter(user)
    if flt is None:
        return Family.objects.none()
    qs = Family.objects.select_related("locality__municipality")
    if flt == Q():
        return qs
    return qs.filter(pk__in=Family.objects.filter(flt).values("pk"))


def scoped(user, model) -> QuerySet:  # noqa: ANN001
    """Rows of any family-owned model (``family`` or ``plot__family`` path) within the user's reach."""
    from miaf.web.registry.models import Family

    field_names = {f.name for f in model._meta.get_fields()}
    path = "family" if "family" in field_names else "plot__family"
    if role_of(user) == Role.ADMINISTRATOR:
        return model.objects.all()
    if _family_filter(user) is None:
        return model.objects.none()
    return model.objects.filter(**{f"{path}__in": families_for(user).values("pk")}) if model is not Family else families_for(user)


def require_in_scope(user, obj) -> None:  # noqa: ANN001
    """The write check of every use case: refuse to change ``obj`` (a family, a family-owned row or a working
    group) when it is outside the user's reach. ``user=None`` is the system (the command line), which may."""
    from miaf.web.registry.models import Group

    if user is None or role_of(user) == Role.ADMINISTRATOR:
        return
    if not can_edit(user):
        raise PermissionDenied(_("Su rol no permite registrar ni modificar datos."))
    qs = groups_for(user) if isinstance(obj, Group) else scoped(user, type(obj))
    if obj.pk is not None and not qs.filter(pk=obj.pk).exists():
        raise PermissionDenied(_("Ese registro no está a su alcance (es de otro grupo u organización)."))


def plots_for(user) -> QuerySet:  # noqa: ANN001
    from miaf.web.plots.models import Plot

    return scoped(user, Plot).select_related("family")
