"""The calendar admin: the year-file import page and hand-set days."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onestop.workdays.models import CalendarDay, CalendarYear
from tests.workdays.helpers import csv_bytes, xlsx_bytes

IMPORT = "admin:workdays_calendaryear_import"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    """A superuser in the admin (tests/conftest.py's centre_admin is a centre admin, not staff)."""
    user = django_user_model.objects.create_superuser(username="admin", password="x")
    client.force_login(user)
    return client


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_the_year_list_links_to_the_import_page(admin_client):
    response = admin_client.get(reverse("admin:workdays_calendaryear_changelist"))
    assert response.status_code == 200
    assert reverse(IMPORT) in response.content.decode()


def test_the_import_page_renders_in_chinese(admin_client):
    response = admin_client.get(reverse(IMPORT))
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入年度节假日安排" in html
    assert "日期" in html and "类型" in html


def test_it_imports_a_good_file(admin_client):
    data = xlsx_bytes([("2027-01-01", "休", "元旦"), ("2027-02-13", "班", "春节")])
    response = admin_client.post(
        reverse(IMPORT), {"file": upload("2027.xlsx", data), "name": "测试通知"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin:workdays_calendaryear_changelist")
    assert "已载入 2027 年节假日安排：休 1 天，班 1 天" in response.content.decode()
    year = CalendarYear.objects.get()
    assert (year.year, year.name, year.loaded_by.username) == (2027, "测试通知", "admin")
    assert year.days.count() == 2


def test_a_bad_file_shows_every_error_and_imports_nothing(admin_client):
    data = csv_bytes(
        [("2027-01-01", "休", "元旦"), ("2027-02-30", "休", "春节"), ("2027-03-01", "补班", "")]
    )
    response = admin_client.post(reverse(IMPORT), {"file": upload("2027.csv", data), "year": 2027})
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件有 2 处错误，未导入任何数据" in html
    assert "第 3 行“日期”：无法识别的日期“2027-02-30”" in html
    assert "第 4 行“类型”：应为“休”或“班”，而不是“补班”" in html
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()


def test_a_file_spanning_years_needs_the_year(admin_client):
    data = csv_bytes([("2027-01-01", "休", "元旦"), ("2028-01-01", "休", "元旦")])
    response = admin_client.post(reverse(IMPORT), {"file": upload("x.csv", data)})
    assert response.status_code == 200
    assert "请填写年份" in response.content.decode()
    assert not CalendarYear.objects.exists()


def test_a_wrong_file_type_is_refused(admin_client):
    response = admin_client.post(
        reverse(IMPORT), {"file": upload("x.txt", "2027-01-01,休".encode())}
    )
    assert response.status_code == 200
    assert "只支持 CSV 或 .xlsx 文件" in response.content.decode()


def test_staff_without_the_permission_cannot_import(client, django_user_model):
    user = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_calendaryear"))
    client.force_login(user)
    assert client.get(reverse(IMPORT)).status_code == 403


def test_a_day_added_in_the_admin_goes_through_the_action(admin_client):
    response = admin_client.post(
        reverse("admin:workdays_calendarday_add"),
        {"date": "2025-03-12", "kind": "holiday", "name": "停电闭厅"},
    )
    assert response.status_code == 302
    row = CalendarDay.objects.get()
    assert (row.date, row.kind, row.changed_by.username, row.is_local) == (
        date(2025, 3, 12),
        "holiday",
        "admin",
        True,
    )
    listing = admin_client.get(reverse("admin:workdays_calendarday_changelist")).content.decode()
    assert "停电闭厅" in listing and "手工设置" in listing


def test_moving_a_day_to_another_date_frees_the_old_one(admin_client):
    admin_client.post(
        reverse("admin:workdays_calendarday_add"),
        {"date": "2025-03-12", "kind": "holiday", "name": "停电闭厅"},
    )
    row = CalendarDay.objects.get()
    response = admin_client.post(
        reverse("admin:workdays_calendarday_change", args=[row.pk]),
        {"date": "2025-03-13", "kind": "holiday", "name": "停电闭厅"},
    )
    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2025, 3, 13)]


def test_deleting_a_year_removes_its_days(admin_client):
    data = xlsx_bytes([("2027-01-01", "休", "元旦")])
    admin_client.post(reverse(IMPORT), {"file": upload("2027.xlsx", data)})
    year = CalendarYear.objects.get()
    response = admin_client.post(
        reverse("admin:workdays_calendaryear_delete", args=[year.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()
