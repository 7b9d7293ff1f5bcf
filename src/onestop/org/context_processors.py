from django.http import HttpRequest

from onestop.org.queries import staff_roles_of


def staff_context(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's staff roles, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_staff_roles": []}
    return {"my_staff_roles": staff_roles_of(user)}
