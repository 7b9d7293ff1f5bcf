"""Hostile uploads through every upload path: a renamed executable, a zip bomb, an oversized
file, a path-traversal name and a PDF with JavaScript are refused with a clear Chinese message,
never a 500, and nothing is written (no stored file, no row)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from onestop.cases.models import Case, StoredFile
from onestop.catalog.models import ServiceItem
from onestop.hotline.models import Ticket
from onestop.lib import uploads
from onestop.trading.models import Bid
from tests.trading.conftest import announce, make_enterprise, make_project

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 300
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 300
SCRIPT = b"#!/bin/sh\nrm -rf / --no-preserve-root\n"
TRAVERSAL = "../../../../etc/passwd.png"


# --- hostile files ------------------------------------------------------------------------------


def clean_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with(action: dict[str, str], *, key: str = "/OpenAction") -> bytes:
    """A real PDF (pypdf) whose catalog carries `action` under `key`."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    obj = DictionaryObject(
        {
            NameObject(k): NameObject(v) if v.startswith("/") else TextStringObject(v)
            for k, v in action.items()
        }
    )
    writer._root_object[NameObject(key)] = writer._add_object(obj)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_document_js() -> bytes:
    """A script that runs when the document opens (what Acrobat executes)."""
    return pdf_with({"/S": "/JavaScript", "/JS": "app.alert('pwned');"})


def pdf_with_launch() -> bytes:
    """An action that starts a program, no JavaScript key at all."""
    return pdf_with({"/S": "/Launch", "/F": "cmd.exe"})


def pdf_with_escaped_names() -> bytes:
    """The script keys spelt with #xx escapes (/Java#53cript is /JavaScript to a reader), so no
    byte search for the plain key finds them: only a parser's view does."""
    raw = pdf_with_document_js()
    return raw.replace(b"/JavaScript", b"/Java#53cript").replace(b"/JS ", b"/J#53 ")


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def bomb_member(archive: zipfile.ZipFile, name: str, megabytes: int) -> None:
    """A member of `megabytes` MB of one byte, which deflates to about a thousandth of that."""
    with archive.open(name, "w", force_zip64=True) as member:
        block = b"0" * (1024 * 1024)
        for _ in range(megabytes):
            member.write(block)


def xlsx_bomb(megabytes: int = 300) -> bytes:
    """A real workbook (openpyxl) with one more sheet part that would unpack to `megabytes`."""
    wb = Workbook()
    wb.active.append(["部门", "事项名称", "事项编码"])
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        bomb_member(dst, "xl/worksheets/sheet2.xml", megabytes)
    return out.getvalue()


def ofd_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", '<?xml version="1.0"?><ofd:OFD/>')
        bomb_member(z, "Doc_0/Res/big.xml", 8)
    return out.getvalue()


# --- the shared checks ----------------------------------------------------------------------


def test_scripts_in_pdfs_are_found_and_clean_pdfs_pass():
    assert not uploads.pdf_has_script(clean_pdf())
    assert uploads.pdf_has_script(pdf_with_document_js())
    assert uploads.pdf_has_script(pdf_with_launch())
    escaped = pdf_with_escaped_names()
    assert b"/JavaScript" not in escaped and b"/JS " not in escaped
    assert uploads.pdf_has_script(escaped)
    # Broken beyond parsing: the short key in the clear still counts.
    assert uploads.pdf_has_script(b"%PDF-1.4\n1 0 obj<</S/JS (app.alert(1))>>endobj\n")
    assert not uploads.pdf_has_script(b"%PDF-1.4\n1 0 obj<</JSON 1>>endobj\n")


def test_a_bomb_is_refused_before_it_is_unpacked_and_a_workbook_passes():
    wb = Workbook()
    wb.active.append(["a", "b"])
    ok = io.BytesIO()
    wb.save(ok)
    uploads.check_archive(ok.getvalue())  # no exception
    with pytest.raises(uploads.UnsafeUpload, match="压缩炸弹"):
        uploads.check_archive(xlsx_bomb(5))  # by the ratio of one member


def test_a_bomb_is_refused_by_its_unpacked_total(settings):
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    settings.UPLOAD_MAX_ZIP_RATIO = 10**9  # the total alone decides here
    with pytest.raises(uploads.UnsafeUpload, match=r"解压后过大（3 MB，上限 1 MB）"):
        uploads.check_archive(xlsx_bomb(3))


def test_a_traversal_name_is_cut_to_its_last_part():
    assert uploads.clean_name(TRAVERSAL) == "passwd.png"
    assert uploads.clean_name("..\\..\\windows\\evil.pdf") == "evil.pdf"
    assert uploads.clean_name("../..") == "未命名文件"


# --- the applicant's materials (portal) -------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(new_case, applicant) -> Case:
    return new_case(channel=Case.Channel.ONLINE, actor=applicant.user)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload_material(client: Client, case: Case, name: str, content: bytes):
    material = case.materials.get(name="营业执照")
    url = reverse("portal:case_material", args=[case.pk, material.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("营业执照.pdf", ELF, "文件格式不支持"),
        ("营业执照.jpg", PE, "文件格式不支持"),
        ("营业执照.pdf", SCRIPT, "文件格式不支持"),
        ("营业执照.pdf", pdf_with_document_js(), "PDF 文件含有脚本"),
        ("营业执照.pdf", pdf_with_launch(), "PDF 文件含有脚本"),
        ("营业执照.pdf", pdf_with_escaped_names(), "PDF 文件含有脚本"),
        ("营业执照.ofd", ofd_bomb(), "压缩炸弹"),
    ],
    ids=["elf", "pe", "shell", "pdf-js", "pdf-launch", "pdf-escaped-js", "ofd-bomb"],
)
def test_the_portal_refuses_a_hostile_material(
    client, draft, applicant, media, name, content, message
):
    client.force_login(applicant.user)
    r = upload_material(client, draft, name, content)
    assert r.status_code == 200
    shown = [str(m) for m in get_messages(r.wsgi_request)] + [r.content.decode()]
    assert any(message in text for text in shown), shown
    assert not StoredFile.objects.exists()
    assert files_under(media) == []
    assert draft.materials.get(name="营业执照").file is None


def test_the_portal_refuses_an_oversized_material(client, draft, applicant, media, settings):
    settings.MAX_UPLOAD_BYTES = 64 * 1024
    client.force_login(applicant.user)
    r = upload_material(client, draft, "营业执照.pdf", clean_pdf() + b"%" * (65 * 1024))
    assert "文件过大（0.1 MB），单个文件不能超过 0.1 MB" in r.content.decode()
    assert not StoredFile.objects.exists() and files_under(media) == []


def test_a_traversal_name_is_stored_under_a_generated_name(client, draft, applicant, media):
    client.force_login(applicant.user)
    r = upload_material(client, draft, TRAVERSAL, png_bytes())
    assert "已上传" in r.content.decode()
    stored = StoredFile.objects.get()
    assert stored.original_name == "passwd.png"
    [path] = files_under(media)
    assert path.resolve().is_relative_to(Path(media).resolve())
    assert "passwd" not in str(path) and ".." not in stored.file.name
    assert not (Path(media).parent.parent / "etc").exists()


# --- hotline attachments (public form) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("照片.jpg", ELF, "文件格式不支持"),
        ("情况说明.pdf", pdf_with_document_js(), "PDF 文件含有脚本"),
        ("材料.ofd", ofd_bomb(), "压缩炸弹"),
    ],
    ids=["elf", "pdf-js", "ofd-bomb"],
)
def test_the_hotline_refuses_a_hostile_attachment(client, community, media, name, content, message):
    r = client.post(
        reverse("hotline_public:submit"),
        {
            "kind": "suggestion",
            "content": "建议在梨树坪社区增设公交站台",
            "caller_phone": "13811112222",
            "region": community.pk,
            "attachments": [SimpleUploadedFile(name, content)],
        },
    )
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Ticket.objects.exists()
    assert files_under(media) == []


# --- trading bid documents ------------------------------------------------------------------------


@pytest.fixture
def open_tender(district):
    from onestop.org.models import Role
    from onestop.trading import actions
    from tests.conftest import make_staff
    from tests.trading.conftest import PASSPHRASE

    officers = [make_staff(f"trader{i}", Role.TRADING_OFFICER, district, None) for i in range(3)]
    now = timezone.now() - timedelta(days=1)
    for o in officers:
        actions.register_opening_key(o, passphrase=PASSPHRASE, now=now)
    owner = make_enterprise("owner", "攀枝花市西区住房和城乡建设局", "11510403MB0000001X")
    return announce(make_project(officers[0], owner, now), officers, now)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("投标文件.pdf", ELF, "投标文件应为 PDF"),
        ("投标文件.pdf", pdf_with_document_js(), "PDF 文件含有脚本"),
        ("投标文件.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), "不能超过 10 MB"),
    ],
    ids=["elf", "pdf-js", "oversized"],
)
def test_a_hostile_bid_document_is_refused(client, open_tender, name, content, message):
    bidder = make_enterprise("bidder0", "四川攀西建设工程有限公司", "91510403000000000A")
    client.force_login(bidder.user)
    url = reverse("trading:bid", args=[open_tender.pk])
    r = client.post(
        url, {"price": "3500000", "document": SimpleUploadedFile(name, content)}, follow=True
    )
    assert r.status_code == 200
    assert any(message in str(m) for m in get_messages(r.wsgi_request))
    assert not Bid.objects.exists()


# --- spreadsheets an administrator imports -------------------------------------------------


@pytest.fixture
def admin_client(db) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.cn", "x-Passw0rd!")
    c = Client()
    c.force_login(user)
    return c


def post_file(client: Client, url: str, name: str, content: bytes):
    buffer = io.BytesIO(content)
    buffer.name = name
    return client.post(url, {"file": buffer})


def test_the_catalog_import_refuses_a_zip_bomb(admin_client, dept_a):
    r = post_file(
        admin_client, reverse("admin:catalog_serviceitem_import"), "目录.xlsx", xlsx_bomb()
    )
    assert r.status_code == 400
    assert "疑似压缩炸弹" in r.content.decode()
    assert not ServiceItem.objects.exists()


def test_the_catalog_import_refuses_a_renamed_executable(admin_client, dept_a):
    r = post_file(admin_client, reverse("admin:catalog_serviceitem_import"), "目录.xlsx", ELF)
    assert r.status_code == 400
    assert not ServiceItem.objects.exists()


def test_the_calendar_import_refuses_a_zip_bomb(admin_client):
    from onestop.workdays.models import CalendarDay

    r = admin_client.post(
        reverse("admin:workdays_calendaryear_import"),
        {"file": SimpleUploadedFile("2027.xlsx", xlsx_bomb()), "year": "2027", "name": "x"},
    )
    assert r.status_code == 200
    assert "疑似压缩炸弹" in r.content.decode()
    assert not CalendarDay.objects.exists()
