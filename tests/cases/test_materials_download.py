"""Downloads of material files: only after an access check, as attachments, never sniffed."""

# ruff: noqa: F811 - pytest fixtures imported from tests.cases are redefined as arguments

from __future__ import annotations

import pytest

from onestop.cases import actions, materials
from onestop.cases.models import Case
from onestop.org.models import Department, Role
from tests.cases.conftest import NOW, provide_all
from tests.cases.test_materials import (  # noqa: F401 - fixtures
    material,
    media,
    other_applicant,
    pdf_bytes,
    png_bytes,
    upload,
)
from tests.conftest import make_staff


@pytest.fixture
def case_with_file(new_case, applicant, media):
    case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    materials.attach_file(
        case,
        material(case),
        upload(png_bytes(), "营业执照.pdf", "application/pdf"),
        actor=applicant.user,
        now=NOW,
    )
    actions.submit_case(case, actor=applicant.user, now=NOW)
    return case


@pytest.fixture
def clerk_c(district):
    dept = Department.objects.create(
        key="swj",
        name="攀枝花市西区商务局",
        short_name="区商务局",
        kind=Department.Kind.DISTRICT,
        region=district,
    )
    return make_staff("clerk_c", Role.CLERK, district, dept)


def urls(case: Case) -> list[str]:
    m = material(case)
    return [f"/files/{m.file_id}/", f"/files/material/{m.pk}/"]


def test_the_applicant_downloads_their_file_as_an_attachment(client, case_with_file, applicant):
    client.force_login(applicant.user)
    for url in urls(case_with_file):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"  # what it is, not what it was called
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert (
            "filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.png"
            in (response["Content-Disposition"])
        )
        assert b"".join(response.streaming_content) == png_bytes()


def test_the_clerk_of_the_department_may_download(client, case_with_file, clerk):
    client.force_login(clerk)
    for url in urls(case_with_file):
        assert client.get(url).status_code == 200


def test_another_applicant_gets_404(client, case_with_file, other_applicant):
    client.force_login(other_applicant.user)
    for url in urls(case_with_file):
        assert client.get(url).status_code == 404


def test_staff_of_another_department_get_404(client, case_with_file, clerk_c, outsider):
    # outsider: department B gives an opinion on this item, but only once the case is accepted.
    for user in (clerk_c, outsider):
        client.force_login(user)
        for url in urls(case_with_file):
            assert client.get(url).status_code == 404


def test_the_co_department_may_download_once_it_gives_an_opinion(
    client, case_with_file, clerk, outsider
):
    provide_all(case_with_file)
    actions.accept_case(case_with_file, actor=clerk, now=NOW)
    client.force_login(outsider)
    for url in urls(case_with_file):
        assert client.get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, case_with_file):
    for url in urls(case_with_file):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_unknown_files_and_materials_without_a_file_are_404(client, case_with_file, applicant):
    client.force_login(applicant.user)
    empty = material(case_with_file, "经营场所平面图")
    assert client.get("/files/999999/").status_code == 404
    assert client.get(f"/files/material/{empty.pk}/").status_code == 404
    assert client.get("/files/material/999999/").status_code == 404


def test_a_file_missing_from_storage_is_404(client, case_with_file, applicant, media):
    stored = material(case_with_file).file
    (media / stored.file.name).unlink()
    client.force_login(applicant.user)
    assert client.get(f"/files/{stored.pk}/").status_code == 404
