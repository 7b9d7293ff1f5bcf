"""Material files: type by content, size limit, storage, reuse, removal, rights and states."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from onestop.cases import actions, materials
from onestop.cases.audit import verify_cases
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent, CaseMaterial, StoredFile
from onestop.core.errors import NotAllowed, TransitionError
from onestop.org.actions import register_applicant
from tests.cases.conftest import NOW, provide_all

# --- file builders (imported by the portal and download tests) --------------------------------


def png_bytes(colour: str = "red", size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "JPEG")
    return out.getvalue()


def pdf_bytes(text: str = "licence") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% " + text.encode() + b"\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def ofd_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'
        )
        z.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(content: bytes, name: str = "file.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_paths(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def draft(new_case, applicant):
    """An online draft of the food licence item by the applicant."""
    return new_case(channel=Case.Channel.ONLINE, actor=applicant.user)


@pytest.fixture
def other_applicant(db):
    return register_applicant(
        kind="person",
        name="李华",
        username="lihua",
        password="Jinsha-river-99",
        phone="13981234567",
        id_number="510403198001010014",
    )


def material(case: Case, name: str = "营业执照") -> CaseMaterial:
    return case.materials.get(name=name)


# --- recognising the type by content --------------------------------------------------------


def test_a_png_named_pdf_is_stored_as_png(draft, applicant, media):
    m = materials.attach_file(
        draft,
        material(draft),
        upload(png_bytes(), "营业执照.pdf", "application/pdf"),
        actor=applicant.user,
        now=NOW,
    )
    stored = m.file
    assert stored.content_type == "image/png"
    assert stored.file.name.startswith("materials/2026/03/")
    assert stored.file.name.endswith(".png")
    assert "营业执照" not in stored.file.name  # the user's name never reaches a path
    assert stored.original_name == "营业执照.pdf"
    assert materials.download_name(stored) == "营业执照.png"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (pdf_bytes(), "application/pdf"),
        (jpeg_bytes(), "image/jpeg"),
        (png_bytes(), "image/png"),
        (ofd_bytes(), "application/ofd"),
    ],
)
def test_the_accepted_types(draft, applicant, media, content, expected):
    m = materials.attach_file(
        draft, material(draft), upload(content, "x.bin"), actor=applicant.user, now=NOW
    )
    assert m.file.content_type == expected


@pytest.mark.parametrize(
    "content",
    [
        EXE,
        b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 10,  # a PNG header glued to junk
        b"\xff\xd8\xff\xe0" + EXE,
        b"PK\x03\x04" + b"\x00" * 100,  # a ZIP that is no OFD
        b"hello, plain text",
    ],
)
def test_other_content_is_refused_in_chinese_whatever_its_name(draft, applicant, media, content):
    with pytest.raises(CaseError) as exc:
        materials.attach_file(
            draft, material(draft), upload(content, "scan.pdf"), actor=applicant.user, now=NOW
        )
    assert "文件格式不支持" in exc.value.message
    assert "PDF" in exc.value.message
    assert not StoredFile.objects.exists()
    assert stored_paths(media) == []


def test_an_empty_file_is_refused(draft, applicant, media):
    with pytest.raises(CaseError, match="文件为空"):
        materials.attach_file(
            draft, material(draft), upload(b"", "a.pdf"), actor=applicant.user, now=NOW
        )


def test_a_file_over_the_limit_is_refused(draft, applicant, media, settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    big = pdf_bytes() + b"0" * (1024 * 1024)
    with pytest.raises(CaseError) as exc:
        materials.attach_file(
            draft, material(draft), upload(big, "big.pdf"), actor=applicant.user, now=NOW
        )
    assert exc.value.message.startswith("文件过大")
    assert "不能超过 1 MB" in exc.value.message
    assert stored_paths(media) == []


def test_the_default_limit_is_ten_megabytes(settings):
    if hasattr(settings, "MAX_UPLOAD_BYTES"):
        del settings.MAX_UPLOAD_BYTES
    assert materials.max_upload_bytes() == 10 * 1024 * 1024


# --- storage and the audit trail -------------------------------------------------------------


def test_the_file_goes_through_the_storage_api_with_its_digest(draft, applicant, media):
    content = pdf_bytes("digest")
    m = materials.attach_file(
        draft, material(draft), upload(content, "执照.pdf"), actor=applicant.user, now=NOW
    )
    stored = m.file
    on_disk = media / stored.file.name
    assert on_disk.read_bytes() == content
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert stored.applicant == applicant
    assert stored.uploaded_by == applicant.user
    assert stored.material_name == "营业执照"
    assert m.state == CaseMaterial.State.PROVIDED
    event = CaseEvent.objects.filter(case=draft).order_by("-seq").first()
    assert event.kind == "material_attached"
    assert event.data["sha256"] == stored.sha256
    assert event.data["size"] == len(content)
    assert event.data["content_type"] == "application/pdf"
    assert event.data["name"] == "执照.pdf"
    assert verify_cases() == []


def test_a_failed_database_write_deletes_the_stored_file(draft, applicant, media, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(materials, "record_event", broken)
    with pytest.raises(RuntimeError):
        materials.attach_file(
            draft, material(draft), upload(pdf_bytes()), actor=applicant.user, now=NOW
        )
    assert stored_paths(media) == []
    assert not StoredFile.objects.exists()
    assert material(draft).file is None


def test_an_outer_rollback_deletes_the_files_written_inside(draft, applicant, media):
    with pytest.raises(CaseError), materials.files_kept_only_on_success(), transaction.atomic():
        materials.attach_file(
            draft, material(draft), upload(pdf_bytes()), actor=applicant.user, now=NOW
        )
        assert len(stored_paths(media)) == 1
        raise CaseError("later step failed")
    assert stored_paths(media) == []
    assert not StoredFile.objects.exists()


def test_a_repeated_key_stores_nothing_the_second_time(draft, applicant, media):
    for _ in range(2):
        materials.attach_file(
            draft, material(draft), upload(pdf_bytes()), actor=applicant.user, now=NOW, key="k1"
        )
    assert StoredFile.objects.count() == 1
    assert len(stored_paths(media)) == 1


# --- who may add files, and when --------------------------------------------------------------


def test_the_clerk_of_the_department_may_add_files(draft, clerk, media):
    m = materials.attach_file(draft, material(draft), upload(pdf_bytes()), actor=clerk, now=NOW)
    assert m.file.uploaded_by == clerk
    assert m.file.applicant == draft.applicant


def test_others_may_not_add_files(draft, outsider, other_applicant, reviewer, media):
    for actor in (outsider, other_applicant.user, reviewer):
        with pytest.raises(NotAllowed, match="没有权限"):
            materials.attach_file(draft, material(draft), upload(pdf_bytes()), actor=actor, now=NOW)
    assert stored_paths(media) == []


def test_a_material_of_another_case_is_refused(new_case, applicant, media):
    one = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    two = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    with pytest.raises(CaseError, match="不属于此办件"):
        materials.attach_file(
            one, material(two), upload(pdf_bytes()), actor=applicant.user, now=NOW
        )


def test_files_may_change_until_acceptance(draft, applicant, clerk, media):
    actions.submit_case(draft, actor=applicant.user, now=NOW)
    materials.attach_file(
        draft, material(draft), upload(pdf_bytes()), actor=applicant.user, now=NOW
    )
    provide_all(draft)
    actions.accept_case(draft, actor=clerk, now=NOW)
    with pytest.raises(TransitionError, match="不能再提交或更换"):
        materials.attach_file(
            draft, material(draft), upload(png_bytes()), actor=applicant.user, now=NOW
        )


def test_a_tolerated_material_arrives_after_acceptance(
    draft, applicant, clerk, reviewer, co_reviewer, approver, media
):
    provide_all(draft, except_=("食品安全管理制度",))
    actions.submit_case(draft, actor=applicant.user, now=NOW)
    actions.accept_case(draft, actor=clerk, now=NOW, tolerated=["食品安全管理制度"])
    tolerated = material(draft, "食品安全管理制度")
    assert tolerated.state == CaseMaterial.State.TOLERATED
    m = materials.attach_file(draft, tolerated, upload(pdf_bytes()), actor=applicant.user, now=NOW)
    assert m.state == CaseMaterial.State.PROVIDED
    assert m.note == "已补交"
    kinds = list(CaseEvent.objects.filter(case=draft).values_list("kind", flat=True))
    assert kinds[-2:] == ["material_attached", "tolerated_supplied"]
    assert verify_cases() == []


# --- reuse (一次提交、多次使用) ----------------------------------------------------------------


def test_files_on_record_are_offered_again_to_the_same_applicant(
    new_case, applicant, other_applicant, media
):
    first = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    older = materials.attach_file(
        first, material(first), upload(pdf_bytes("old")), actor=applicant.user, now=NOW
    ).file
    newer = materials.attach_file(
        first,
        material(first, "食品经营许可申请书"),
        upload(png_bytes()),
        actor=applicant.user,
        now=NOW,
    ).file
    second = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    offers = materials.reuse_offers(second, applicant.user)
    assert offers[material(second).pk] == [older]
    assert offers[material(second, "食品经营许可申请书").pk] == [newer]
    assert offers[material(second, "经营场所平面图").pk] == []

    m = materials.reuse_file(second, material(second), older, actor=applicant.user, now=NOW)
    assert m.file == older
    assert m.state == CaseMaterial.State.PROVIDED
    event = CaseEvent.objects.filter(case=second).order_by("-seq").first()
    assert (event.kind, event.data["reused"], event.data["sha256"]) == (
        "material_attached",
        True,
        older.sha256,
    )
    # The file already linked is not offered for that material again.
    assert materials.reuse_offers(second, applicant.user)[material(second).pk] == []

    # Another applicant is offered nothing and may not take the file.
    theirs = actions.create_case(
        actions.NewCase(
            item=second.item,
            applicant=other_applicant,
            channel=Case.Channel.ONLINE,
            centre=second.centre,
            form_data={"applicant_name": "李华"},
        ),
        actor=other_applicant.user,
        now=NOW,
    )
    assert all(v == [] for v in materials.reuse_offers(theirs, other_applicant.user).values())
    with pytest.raises(NotAllowed, match="本人"):
        materials.reuse_file(theirs, material(theirs), older, actor=other_applicant.user, now=NOW)


def test_newest_first_and_one_per_content(new_case, applicant, media):
    from datetime import timedelta

    for i, content in enumerate([pdf_bytes("a"), pdf_bytes("b"), pdf_bytes("a")]):
        case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
        materials.attach_file(
            case,
            material(case),
            upload(content),
            actor=applicant.user,
            now=NOW + timedelta(minutes=i),
        )
    offered = materials.files_on_record(applicant, ["营业执照"], actor=applicant.user)["营业执照"]
    sha = {k: hashlib.sha256(pdf_bytes(k)).hexdigest() for k in "ab"}
    assert [f.sha256 for f in offered] == [sha["a"], sha["b"]]
    assert offered[0].uploaded_at > offered[1].uploaded_at


def test_replacing_a_draft_file_drops_the_unused_one(
    draft, applicant, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = materials.attach_file(
            draft, material(draft), upload(pdf_bytes("a")), actor=applicant.user, now=NOW
        ).file
        second = materials.attach_file(
            draft, material(draft), upload(pdf_bytes("b")), actor=applicant.user, now=NOW
        ).file
    assert list(StoredFile.objects.all()) == [second]
    assert not StoredFile.objects.filter(pk=first.pk).exists()
    assert len(stored_paths(media)) == 1


# --- removal ---------------------------------------------------------------------------------


def test_removing_a_file_from_a_draft(draft, applicant, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = materials.attach_file(
            draft, material(draft), upload(pdf_bytes()), actor=applicant.user, now=NOW
        )
        assert len(stored_paths(media)) == 1
        m = materials.remove_file(draft, m, actor=applicant.user, now=NOW)
    assert m.file is None
    assert m.state == CaseMaterial.State.MISSING
    assert not StoredFile.objects.exists()  # unused anywhere else: not kept on record
    assert stored_paths(media) == []
    assert CaseEvent.objects.filter(case=draft, kind="material_removed").count() == 1


def test_a_reused_file_stays_on_record_when_removed(
    new_case, applicant, media, django_capture_on_commit_callbacks
):
    first = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    stored = materials.attach_file(
        first, material(first), upload(pdf_bytes()), actor=applicant.user, now=NOW
    ).file
    second = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    with django_capture_on_commit_callbacks(execute=True):
        materials.reuse_file(second, material(second), stored, actor=applicant.user, now=NOW)
        materials.remove_file(second, material(second), actor=applicant.user, now=NOW)
    assert StoredFile.objects.filter(pk=stored.pk).exists()
    assert len(stored_paths(media)) == 1


def test_files_cannot_be_removed_after_submission(draft, applicant, media):
    m = materials.attach_file(
        draft, material(draft), upload(pdf_bytes()), actor=applicant.user, now=NOW
    )
    actions.submit_case(draft, actor=applicant.user, now=NOW)
    with pytest.raises(TransitionError, match="不能删除"):
        materials.remove_file(draft, m, actor=applicant.user, now=NOW)
