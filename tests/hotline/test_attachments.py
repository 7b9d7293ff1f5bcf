"""Attachments: checked by content, stored under random names, served only in scope; a refused
ticket leaves no file behind."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from onestop.hotline import actions
from onestop.hotline.actions import intake
from onestop.hotline.models import Attachment, Ticket
from tests.hotline.conftest import NOW, new_ticket


def png(name: str = "油烟.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def test_a_photo_is_kept_and_served_in_scope(operator, handler, handler_b, dept_a, media):
    t = actions.register_ticket(new_ticket(attachments=[png()]), actor=operator, now=NOW)
    a = Attachment.objects.get(ticket=t)
    assert a.original_name == "油烟.png" and a.content_type == "image/png"
    assert a.file.startswith("hotline/2026/03/") and default_storage.exists(a.file)
    actions.dispatch_ticket(t, actor=operator, now=NOW, lead=dept_a)
    c = Client()
    c.force_login(handler)
    r = c.get(f"/staff/hotline/attachments/{a.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    c.force_login(handler_b)
    assert c.get(f"/staff/hotline/attachments/{a.pk}/").status_code == 404


def test_a_disguised_file_is_refused_and_nothing_is_kept(operator, media):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    c = Client()
    c.force_login(operator)
    r = c.post(
        "/staff/hotline/",
        {
            "kind": "complaint",
            "urgency": "normal",
            "caller_phone": "13800000000",
            "content": "噪音扰民",
            "attachments": [png(), fake],
        },
    )
    assert r.status_code == 200 and "photo.jpg" in r.content.decode()
    assert not Ticket.objects.exists()
    assert not list(media.rglob("*.png"))


def test_a_failed_registration_deletes_stored_files(operator, media, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(intake, "record", boom)
    with pytest.raises(RuntimeError):
        actions.register_ticket(new_ticket(attachments=[png()]), actor=operator, now=NOW)
    assert not list(media.rglob("*.png"))
