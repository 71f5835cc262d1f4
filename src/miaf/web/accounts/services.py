"""Use cases on people: create a user with a role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from miaf.web.accounts.models import Profile, Role


@transaction.atomic
def create_user(
    username: str,
    password: str,
    role: str,
    organisation: str | None = None,
    groups: list[str] | None = None,
    email: str = "",
    validate: bool = True,
):  # noqa: ANN201
    """Create a user and its profile. Raises ValueError with a readable message on bad input."""
    from miaf.web.registry.models import Group, Organisation

    User = get_user_model()
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(Role.values)}")
    if User.objects.filter(username=username).exists():
        raise ValueError(f"user {username!r} already exists")
    org = None
    if organisation:
        org = Organisation.objects.filter(Q(name=organisation) | Q(short_name=organisation)).first()
        if org is None:
            raise ValueError(f"organisation {organisation!r} not found")
    elif role != Role.ADMINISTRATOR:
        raise ValueError(f"a {role} needs --organisation")
    user = User(username=username, email=email, is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR)
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValueError("; ".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    profile = Profile.objects.create(user=user, role=role, organisation=org)
    for name in groups or []:
        group = Group.objects.filter(name=name).first()
        if group is None:
            raise ValueError(f"working group {name!r} not found")
        profile.groups.add(group)
    return user
