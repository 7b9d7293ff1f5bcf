"""A caller's photos and documents: checked by their content before anything is written, stored
under random names (the rules of cases.materials)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from onestop.cases.materials import Checked, check_upload
from onestop.core.errors import DomainError
from onestop.hotline.errors import HotlineError
from onestop.hotline.models import Attachment, Ticket
from onestop.lib.uploads import clean_name
from onestop.workdays.calendar import local_date

MAX_ATTACHMENTS = 5


def check_attachments(uploads: Sequence[object]) -> list[tuple[UploadedFile, Checked]]:
    """Every file checked by its content before anything is written (cases.materials rules)."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise HotlineError(f"附件最多 {MAX_ATTACHMENTS} 个", field="attachments")
    checked = []
    for upload in uploads:
        up = cast(UploadedFile, upload)
        try:
            checked.append((up, check_upload(up)))
        except DomainError as e:
            name = clean_name(up.name or "")
            raise HotlineError(f"附件“{name}”：{e.message}", field="attachments") from e
    return checked


def attach(
    ticket: Ticket, checked: list[tuple[UploadedFile, Checked]], now: datetime, stored: list[str]
) -> None:
    """Store the files under random names (hotline/YYYY/MM/<random>.<real extension>)."""
    day = local_date(now)
    for upload, info in checked:
        upload.seek(0)
        name = default_storage.save(
            f"hotline/{day:%Y/%m}/{secrets.token_hex(16)}{info.extension}", upload
        )
        stored.append(name)
        Attachment.objects.create(
            ticket=ticket,
            file=name,
            original_name=clean_name(upload.name or ""),
            content_type=info.content_type,
            size=info.size,
            uploaded_at=now,
        )
