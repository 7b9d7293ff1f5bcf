"""The one shape of a staff page's move (DESIGN "Layers", STYLE §5).

A move posted from a staff page is: `@require_POST`, `@staff_required(...)`, a scoped fetch
(`get_x_for_user`), a Django form, one action call through `run_move`, and a redirect. The
domain's refusals (`DomainError`) become one message on the next page by one path, here; a
form's problems are shown next to their fields by re-rendering the form (never a 500, never a
lost entry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse

from onestop.core.errors import DomainError
from onestop.org.queries import is_staff_member, staff_roles_of

T = TypeVar("T")
View = Callable[..., HttpResponse]

NOT_FOUND = "页面不存在"


def staff_user(request: HttpRequest, roles: Iterable[str] = ()) -> User:
    """The signed-in staff member, holding one of `roles` when given; anyone else gets a 404
    (a staff page does not tell an outsider that it exists)."""
    user = cast(User, request.user)
    if not is_staff_member(user):
        raise Http404(NOT_FOUND)
    wanted = set(roles)
    if wanted and not user.is_superuser and not any(r.role in wanted for r in staff_roles_of(user)):
        raise Http404(NOT_FOUND)
    return user


def staff_required(*roles: str) -> Callable[[View], View]:
    """A staff page: signed in (else to the login page), staff (else 404), and holding one of
    `roles` when any are named. The view reads the user as `request.user`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            staff_user(request, roles)
            return view(request, *args, **kwargs)

        return cast(View, login_required(wrapper))

    return decorate


def run_move(request: HttpRequest, move: Callable[[], T], done: str = "") -> T | None:
    """Run one action; its refusal becomes an error message (None is returned), its success
    the `done` message (when given) and its result is returned."""
    try:
        result = move()
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    if done:
        messages.success(request, done)
    return result


def form_problems(request: HttpRequest, form: Form) -> None:
    """A form posted from a page that redirects: every problem at once, as messages naming
    their fields (pages that re-render the form show them next to the fields instead)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))
