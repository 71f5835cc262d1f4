from miaf.web.accounts.scoping import can_edit, can_see_personal_data, role_of


def role(request):  # noqa: ANN001, ANN201
    user = getattr(request, "user", None)
    return {
        "miaf_role": role_of(user),
        "can_see_personal_data": can_see_personal_data(user),
        "can_edit": can_edit(user),
    }
