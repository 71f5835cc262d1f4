from miaf.web.accounts.scoping import can_edit, can_see_personal_data, role_of
from miaf.web.core.menu import menu_for


def role(request):  # noqa: ANN001, ANN201
    user = getattr(request, "user", None)
    role = role_of(user)
    return {
        "miaf_role": role,
        "can_see_personal_data": can_see_personal_data(user),
        "can_edit": can_edit(user),
        "menu": menu_for(role),
    }
