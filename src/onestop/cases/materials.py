"""Material files of cases: upload checks, storage, reuse (一次提交、多次使用) and removal.

An upload is recognised by its bytes, never by its name or the browser's content type: PDF,
JPEG, PNG and OFD (the national e-document format, a ZIP with OFD.xml at its root). Images are
also opened with Pillow, so a JPEG or PNG header glued to something else is refused. Files are
written through Django's storage API under a random name, so whatever the applicant called the
file never reaches a path.

Writing the file and writing the database cannot be one transaction. The file is written first;
if the database part then fails, the file is deleted again. A caller that wraps several actions
in one outer transaction uses `files_kept_only_on_success()` around it, so that files written
inside are deleted if the outer transaction rolls back.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from onestop.cases import actions, consents, workflow
from onestop.cases.audit import record_event
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseMaterial, StoredFile
from onestop.core.errors import NotAllowed, TransitionError
from onestop.lib.uploads import UnsafeUpload, check_archive, check_pdf, clean_name
from onestop.org.models import Applicant, Role
from onestop.workdays.calendar import local_date

S = Case.Status

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# States in which the applicant's side may still change the files of any material.
EDITABLE = workflow.AT_WINDOW
# States in which a material tolerated at acceptance (容缺) may still arrive.
TOLERATED_OPEN = workflow.MOVES["supply_tolerated"].sources
REUSE_OFFERS_PER_MATERIAL = 5

PDF, JPEG, PNG, OFD = "application/pdf", "image/jpeg", "image/png", "application/ofd"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", OFD: ".ofd"}
LABELS = {PDF: "PDF", JPEG: "JPG", PNG: "PNG", OFD: "OFD"}
ACCEPTED_TYPES_TEXT = "PDF、JPG、PNG 或 OFD"


def max_upload_bytes() -> int:
    return int(getattr(settings, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


# --- recognising an upload -------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """What an upload really is."""

    content_type: str
    extension: str
    size: int
    sha256: str


def _is_image(stream: IO[bytes], expected: str) -> bool:
    from PIL import Image

    try:
        stream.seek(0)
        with Image.open(stream) as img:
            fmt = img.format
            img.verify()  # structure and checksums, without decoding every pixel
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a bad file
        return False
    return fmt == expected


def _is_ofd(stream: IO[bytes]) -> bool:
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as z:
            return any(n.lower() == "ofd.xml" for n in z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def sniff(stream: IO[bytes]) -> str | None:
    """The content type of a file from its bytes, or None if it is none we accept."""
    stream.seek(0)
    head = stream.read(16)
    found: str | None = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG if _is_image(stream, "JPEG") else None
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG if _is_image(stream, "PNG") else None
    elif head.startswith(b"PK\x03\x04"):
        found = OFD if _is_ofd(stream) else None
    stream.seek(0)
    return found


def check_upload(upload: UploadedFile) -> Checked:
    """Size and type of an upload, or CaseError with a Chinese message."""
    size = upload.size or 0
    if size <= 0:
        raise CaseError("文件为空，请重新选择", field="file")
    limit = max_upload_bytes()
    if size > limit:
        raise CaseError(
            f"文件过大（{_megabytes(size)} MB），单个文件不能超过 {_megabytes(limit)} MB",
            field="file",
        )
    content_type = sniff(upload)  # type: ignore[arg-type]
    if content_type is None:
        raise CaseError(
            f"文件格式不支持：只能上传 {ACCEPTED_TYPES_TEXT} 文件"
            "（按文件内容识别，改文件扩展名无效）",
            field="file",
        )
    try:
        if content_type == PDF:
            check_pdf(upload)  # type: ignore[arg-type]
        elif content_type == OFD:
            check_archive(upload)  # type: ignore[arg-type]
    except UnsafeUpload as e:
        raise CaseError(e.message, field="file") from e
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Checked(content_type, EXTENSIONS[content_type], size, digest.hexdigest())


def download_name(stored: StoredFile) -> str:
    """The name a download is saved under: the user's name with the extension of the real type."""
    stem = os.path.splitext(stored.original_name)[0] or stored.material_name
    return f"{stem[:150]}{EXTENSIONS.get(stored.content_type, '')}"


# --- files written inside a larger transaction -----------------------------------------------

_written: ContextVar[list[str] | None] = ContextVar("onestop_files_written", default=None)


@contextmanager
def files_kept_only_on_success() -> Iterator[None]:
    """Delete the files stored inside the block if the block raises (its transaction rolled back).

    Use it outside the outer `transaction.atomic()`:
    `with files_kept_only_on_success(), transaction.atomic(): …`."""
    names: list[str] = []
    token = _written.set(names)
    try:
        yield
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
    finally:
        _written.reset(token)


def _store(upload: UploadedFile, checked: Checked, now: datetime) -> str:
    """Write the bytes under a random name: materials/YYYY/MM/<random>.<real extension>."""
    day = local_date(now)
    name = f"materials/{day:%Y/%m}/{secrets.token_hex(16)}{checked.extension}"
    upload.seek(0)
    saved = default_storage.save(name, upload)
    pending = _written.get()
    if pending is not None:
        pending.append(saved)
    return saved


def _delete_after_commit(name: str) -> None:
    transaction.on_commit(lambda: default_storage.delete(name))


# --- who may change the files of a case -----------------------------------------------------


def _is_party(case: Case, actor: User) -> bool:
    """The applicant, the agent who filed the case, or a clerk of its department."""
    return (
        case.applicant.user_id == actor.pk
        or (case.channel == Case.Channel.AGENT and case.filed_by_id == actor.pk)
        or actions.holds_role(actor, case, [Role.CLERK], case.department_id)
    )


def check_may_attach(case: Case, material: CaseMaterial, actor: User) -> None:
    """Raise unless `actor` may give a file for `material` now."""
    if material.case_id != case.pk:
        raise CaseError("该材料不属于此办件", field="material")
    if not _is_party(case, actor):
        raise NotAllowed("您没有权限为该办件提交材料")
    if case.status in EDITABLE:
        return
    if material.state == CaseMaterial.State.TOLERATED and case.status in TOLERATED_OPEN:
        return
    raise TransitionError(
        f"办件当前状态为“{case.get_status_display()}”，不能再提交或更换“{material.name}”"
    )


def _locked(case: Case, material: CaseMaterial) -> tuple[Case, CaseMaterial]:
    case = actions.lock_case(case)
    material = CaseMaterial.objects.select_for_update().get(pk=material.pk)
    return case, material


def _sub_key(key: str, suffix: str) -> str:
    """A request key for a second event of the same request (keys are unique per case)."""
    if not key:
        return ""
    return hashlib.sha256(f"{key}:{suffix}".encode()).hexdigest()[:40]


def _drop_if_orphan(case: Case, stored: StoredFile | None) -> None:
    """A draft's file nobody else uses goes away with its link (a wrong upload is not kept on
    record to be offered again); once the window may have seen it, it stays."""
    if stored is None or case.status != S.DRAFT:
        return
    if CaseMaterial.objects.filter(file=stored).exists():
        return
    name = stored.file.name
    stored.delete()
    if name:
        _delete_after_commit(name)


def _link(
    case: Case,
    material: CaseMaterial,
    stored: StoredFile,
    *,
    actor: User,
    now: datetime,
    key: str,
    reused: bool,
) -> CaseMaterial:
    previous = material.file
    tolerated_late = material.state == CaseMaterial.State.TOLERATED and case.status not in EDITABLE
    material.file = stored
    if not tolerated_late:
        material.state = CaseMaterial.State.PROVIDED
    material.save(update_fields=["file", "state"])
    if previous is not None and previous.pk != stored.pk:
        _drop_if_orphan(case, previous)
    record_event(
        case,
        "material_attached",
        actor=actor,
        now=now,
        key=key,
        data={
            "material": material.name,
            "file": stored.pk,
            "name": stored.original_name,
            "sha256": stored.sha256,
            "size": stored.size,
            "content_type": stored.content_type,
            "reused": reused,
        },
    )
    if tolerated_late:
        actions.mark_tolerated_supplied(
            case, actor=actor, now=now, name=material.name, key=_sub_key(key, "tolerated")
        )
        material.refresh_from_db()
    return material


# --- actions ---------------------------------------------------------------------------------


def attach_file(
    case: Case,
    material: CaseMaterial,
    upload: UploadedFile,
    *,
    actor: User,
    now: datetime,
    key: str = "",
) -> CaseMaterial:
    """Store an upload for a material of the case and link it (replacing an earlier file).

    1. Check the upload (size, real type) and the actor's right before writing anything.
    2. Write the file through the storage API under a random name.
    3. In one transaction with the case locked: check again, keep a StoredFile for the
       applicant, link it, record "material_attached"; a late 容缺 material is marked supplied.
    4. If step 3 fails, delete the file written in step 2.
    """
    if actions.already_done(case, key):
        return CaseMaterial.objects.get(pk=material.pk)
    checked = check_upload(upload)
    check_may_attach(case, material, actor)
    name = _store(upload, checked, now)
    try:
        with transaction.atomic():
            case, material = _locked(case, material)
            if actions.already_done(case, key):  # a twin request got there first
                _delete_after_commit(name)
                return material
            check_may_attach(case, material, actor)
            stored = StoredFile.objects.create(
                applicant=case.applicant,
                material_name=material.name,
                file=name,
                original_name=clean_name(upload.name or ""),
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor,
                uploaded_at=now,
            )
            return _link(case, material, stored, actor=actor, now=now, key=key, reused=False)
    except BaseException:
        default_storage.delete(name)
        raise


@transaction.atomic
def reuse_file(
    case: Case,
    material: CaseMaterial,
    stored: StoredFile,
    *,
    actor: User,
    now: datetime,
    key: str = "",
) -> CaseMaterial:
    """Link a file the same applicant already has on record (一次提交、多次使用): by its owner,
    or by an agent with the owner's recorded consent for that material (org.permissions.TABLE)."""
    case, material = _locked(case, material)
    if actions.already_done(case, key):
        return material
    check_may_attach(case, material, actor)
    if stored.applicant_id != case.applicant_id:
        raise NotAllowed("只能使用申请人本人已存档的材料")
    if not consents.may_reuse(actor, stored):
        raise NotAllowed(f"申请人未授权您使用其存档的“{stored.material_name}”，请上传新文件")
    if material.file_id == stored.pk:
        return material
    return _link(case, material, stored, actor=actor, now=now, key=key, reused=True)


@transaction.atomic
def remove_file(
    case: Case, material: CaseMaterial, *, actor: User, now: datetime, key: str = ""
) -> CaseMaterial:
    """Unlink a material's file while the application is still a draft."""
    case, material = _locked(case, material)
    if actions.already_done(case, key):
        return material
    check_may_attach(case, material, actor)
    if case.status != S.DRAFT:
        raise TransitionError("申请已提交，不能删除材料；如需更换请重新上传")
    previous = material.file
    if previous is None:
        return material
    material.file = None
    material.state = CaseMaterial.State.MISSING
    material.save(update_fields=["file", "state"])
    record_event(
        case,
        "material_removed",
        actor=actor,
        now=now,
        key=key,
        data={"material": material.name, "file": previous.pk, "sha256": previous.sha256},
    )
    _drop_if_orphan(case, previous)
    return material


# --- reads -----------------------------------------------------------------------------------


def files_on_record(
    applicant: Applicant,
    names: Iterable[str],
    *,
    actor: User,
    limit: int = REUSE_OFFERS_PER_MATERIAL,
) -> dict[str, list[StoredFile]]:
    """The applicant's stored files by material name, newest first, one per distinct content:
    all of them to their owner, only the consented materials to an agent, none to anyone else."""
    out: dict[str, list[StoredFile]] = {n: [] for n in names}
    wanted = set(out)
    if applicant.user_id != actor.pk:
        wanted &= consents.consented_materials(applicant, actor)
    seen: set[tuple[str, str]] = set()
    rows = StoredFile.objects.filter(applicant=applicant, material_name__in=wanted).order_by(
        "-uploaded_at", "-pk"
    )
    for f in rows:
        if (f.material_name, f.sha256) in seen or len(out[f.material_name]) >= limit:
            continue
        seen.add((f.material_name, f.sha256))
        out[f.material_name].append(f)
    return out


def reuse_offers(case: Case, actor: User) -> dict[int, list[StoredFile]]:
    """For each material of the case, the applicant's files on record under the same name
    (newest first) that `actor` may reuse, other than the one already linked."""
    materials = list(case.materials.all())
    on_record = files_on_record(case.applicant, [m.name for m in materials], actor=actor)
    return {m.pk: [f for f in on_record.get(m.name, []) if f.pk != m.file_id] for m in materials}
