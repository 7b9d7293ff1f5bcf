"""Checks every upload path shares: archives that expand too far, PDFs that carry scripts, and
file names that must never reach a path.

Each check raises `UnsafeUpload` with a Chinese message; the caller turns it into its own
domain error (a form error on pages, `{"code": .., "message": ..}` in the API). The checks
read the file and never write anything, so a refusal leaves nothing half-written.
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from typing import IO, Any

from django.conf import settings

# An .xlsx of the whole catalog is a few MB unpacked; a hundred times the limit is no spreadsheet.
DEFAULT_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# Text-like XML compresses ~10-20x; a member that shrank more than this is a bomb, not a file.
DEFAULT_MAX_ZIP_RATIO = 200
# Members of that size or less are never judged by their ratio (an empty sheet compresses well).
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
# PDF name objects that run code when a viewer opens the file or acts on it.
SCRIPT_KEYS = frozenset({"/JS", "/JavaScript"})
SCRIPT_ACTIONS = frozenset({"/JavaScript", "/Launch"})
# A PDF walked object by object stops here: a bid or a certificate has far fewer.
MAX_PDF_OBJECTS = 200_000


class UnsafeUpload(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_unzipped_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_UNZIPPED_BYTES", DEFAULT_MAX_UNZIPPED_BYTES))


def max_zip_ratio() -> int:
    return int(getattr(settings, "UPLOAD_MAX_ZIP_RATIO", DEFAULT_MAX_ZIP_RATIO))


def megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def clean_name(name: str) -> str:
    """The user's file name for display only: no directories or control characters, ≤ 200."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if base in {".", ".."}:
        base = ""
    return base[-200:] or "未命名文件"


def check_archive(stream: IO[bytes] | bytes) -> None:
    """Refuse a ZIP (xlsx, docx, ofd) whose members would unpack beyond the limits.

    The sizes are those the archive declares; Python's zipfile (which openpyxl uses) never
    inflates a member past its declared size, so a lying header fails its CRC instead of
    filling memory.
    """
    data = io.BytesIO(stream) if isinstance(stream, bytes | bytearray) else stream
    data.seek(0)
    try:
        with zipfile.ZipFile(data) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # Not an archive zipfile can open, so nothing will be unpacked from it either: the reader
        # of the format refuses it in its own words.
        return
    finally:
        data.seek(0)
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnsafeUpload(f"压缩文件内的条目过多（{len(members)} 个），已拒收")
    limit = max_unzipped_bytes()
    total = sum(m.file_size for m in members)
    if total > limit:
        raise UnsafeUpload(
            f"文件解压后过大（{megabytes(total)} MB，上限 {megabytes(limit)} MB），"
            "疑似压缩炸弹，已拒收"
        )
    ratio = max_zip_ratio()
    for m in members:
        if m.file_size > RATIO_FLOOR_BYTES and m.file_size > ratio * max(m.compress_size, 1):
            raise UnsafeUpload(
                f"文件内“{clean_name(m.filename)}”的压缩比异常（超过 {ratio} 倍），"
                "疑似压缩炸弹，已拒收"
            )


def _walk_for_script(root: Any) -> bool:
    """Whether any object reachable from `root` is a script or a script-like action."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    todo: list[Any] = [root]
    steps = 0
    while todo:
        steps += 1
        if steps > MAX_PDF_OBJECTS:
            raise UnsafeUpload("PDF 文件结构过于复杂，无法检查，已拒收")
        obj = todo.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if SCRIPT_KEYS & set(obj.keys()):
                return True
            if obj.get("/S") in SCRIPT_ACTIONS:
                return True
            todo.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            todo.extend(obj)
    return False


def pdf_has_script(stream: IO[bytes] | bytes) -> bool:
    """Whether a PDF carries JavaScript (or a launch/submit action), wherever it hides.

    Two looks: the raw bytes, for the key written in the clear; and pypdf's view of every
    object reachable from the trailer, for keys packed in compressed object streams.
    """
    data = stream if isinstance(stream, bytes | bytearray) else _read_all(stream)
    raw = bytes(data)
    if b"/JavaScript" in raw:
        return True
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        return _walk_for_script(reader.trailer)
    except UnsafeUpload:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        # pypdf cannot read it, so nothing compressed could be looked into: judge the raw
        # bytes by the short keys too (in a well-formed file they could be chance bytes of a
        # compressed image, which is why they are not looked for there).
        return _has_name(raw, b"/JS") or _has_name(raw, b"/Launch")


def _has_name(raw: bytes, key: bytes) -> bool:
    """Whether `key` occurs as a whole PDF name ("/JS", not the start of "/JSomething")."""
    at = raw.find(key)
    while at != -1:
        after = raw[at + len(key) : at + len(key) + 1]
        if not after or not (after.isalnum() or after in b"_-."):
            return True
        at = raw.find(key, at + 1)
    return False


def check_pdf(stream: IO[bytes] | bytes) -> None:
    if pdf_has_script(stream):
        raise UnsafeUpload(
            "PDF 文件含有脚本（JavaScript）或自动执行的动作，存在安全风险，已拒收；"
            "请另存为不含脚本的 PDF 后重新上传"
        )


def _read_all(stream: IO[bytes]) -> bytes:
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    return data
