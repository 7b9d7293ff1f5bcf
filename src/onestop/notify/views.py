"""The in-app inbox of a signed-in user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.notify.queries import inbox_for_user


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_for_user(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page})
