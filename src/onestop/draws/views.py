"""Public draw pages: the frozen list, its hash, the randomness and the picks, re-run on
request; and the JSON that lets anyone re-run it elsewhere."""

from __future__ import annotations

from pathlib import Path

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from onestop.draws import rfc3797
from onestop.draws.actions import verify_draw
from onestop.draws.models import Draw
from onestop.draws.queries import names_visible, pick_rows, public_names, public_record


@require_GET
def draw_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Draw.objects.all(), 30).get_page(request.GET.get("page"))
    return render(request, "draws/list.html", {"page": page})


@require_GET
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(Draw, pk=pk)
    show = names_visible(draw)
    names = public_names(draw)
    entries = [
        {"n": i + 1, "entry": e, "name": names.get(i + 1, "")} for i, e in enumerate(draw.entries)
    ]
    return render(
        request,
        "draws/detail.html",
        {
            "draw": draw,
            "entries": entries,
            "picks": pick_rows(draw),
            "show_names": show,
            "check": verify_draw(draw) if request.GET.get("verify") else None,
        },
    )


@require_GET
def draw_json(request: HttpRequest, pk: int) -> JsonResponse:
    draw = get_object_or_404(Draw, pk=pk)
    return JsonResponse(public_record(draw), json_dumps_params={"ensure_ascii": False})


@require_GET
def verify_script(request: HttpRequest) -> HttpResponse:
    """The published verification script: the very module the platform draws and verifies
    with, which runs on its own with Python 3.11's standard library."""
    response = HttpResponse(
        Path(rfc3797.__file__).read_text(encoding="utf-8"),
        content_type="text/x-python; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return response
