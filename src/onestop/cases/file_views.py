"""Downloads of material files, served only after an access check (a 404 for anyone else)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from onestop.cases.materials import download_name
from onestop.cases.models import CaseMaterial, StoredFile
from onestop.cases.queries import file_cases_for_user


def _respond(stored: StoredFile) -> FileResponse:
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(stored),
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_for_user(user: User, pk: int) -> StoredFile:
    """The file, if it is the user's own or a material of a case whose files they may download
    (org.permissions.TABLE: material × download); else 404."""
    stored = StoredFile.objects.select_related("applicant").filter(pk=pk).first()
    if stored is None:
        raise Http404("文件不存在")
    if stored.applicant.user_id == user.pk:
        return stored
    if file_cases_for_user(user).filter(materials__file=stored).exists():
        return stored
    raise Http404("文件不存在")


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    return _respond(stored_file_for_user(cast(User, request.user), pk))


@login_required
@require_GET
def material(request: HttpRequest, pk: int) -> FileResponse:
    """The file a case material links to, for whoever may download the case's files."""
    found = CaseMaterial.objects.filter(pk=pk).values_list("case_id", "file_id").first()
    if found is None or found[1] is None:
        raise Http404("文件不存在")
    if not file_cases_for_user(request.user).filter(pk=found[0]).exists():
        raise Http404("文件不存在")
    return _respond(StoredFile.objects.get(pk=found[1]))
