"""GET /api/v1/workdays/due through HTTP."""

from datetime import UTC, date, datetime

import pytest

from onestop.workdays.actions import close_day, load_year_schedule
from onestop.workdays.schedule import ScheduleRow

URL = "/api/v1/workdays/due"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def test_it_returns_the_due_date_and_the_holidays_skipped(client):
    response = client.get(URL, {"start": "2025-09-26", "days": "20"})
    assert response.status_code == 200
    body = response.json()
    # Counted by hand in test_due_dates.test_it_counts_through_national_day_2025
    assert body["due"] == "2025-10-30"
    assert body["provisional"] is False
    assert (body["start"], body["days"], body["counted_days"]) == ("2025-09-26", 20, 20)
    assert body["holidays"] == ["国庆节", "中秋"]
    assert body["skipped"][0] == {"day": "2025-10-01", "name": "国庆节"}
    assert body["unknown_years"] == []
    assert body["makeup"] == [
        {"day": "2025-09-28", "name": "国庆节"},
        {"day": "2025-10-11", "name": "国庆节"},
    ]


def test_it_halves_the_limit_rounding_up(client):
    body = client.get(URL, {"start": "2025-03-03", "days": "15", "halve": "true"}).json()
    # 8 days from Mon 3-3: 3-4 1 … 3-7 4, 3-10 5 … 3-13 8
    assert (body["counted_days"], body["due"]) == (8, "2025-03-13")


def test_zero_days_is_allowed(client):
    body = client.get(URL, {"start": "2025-10-01", "days": "0"}).json()
    assert body["due"] == "2025-10-09"


def test_it_flags_a_provisional_deadline_until_the_year_is_loaded(client, centre_admin):
    params = {"start": "2026-12-18", "days": "15"}
    body = client.get(URL, params).json()
    # Before the schedule is loaded 元旦 (a fixed-date holiday) already rests.
    assert (body["due"], body["provisional"], body["unknown_years"], body["holidays"]) == (
        "2027-01-11",
        True,
        [2027],
        ["元旦"],
    )
    load_year_schedule(2027, [ScheduleRow("2027-01-01", "休", "元旦")], actor=centre_admin, now=NOW)
    body = client.get(URL, params).json()
    assert (body["due"], body["provisional"], body["holidays"]) == ("2027-01-11", False, ["元旦"])


def test_it_sees_a_local_closure(client, centre_admin):
    close_day(date(2025, 3, 12), "停电闭厅", actor=centre_admin, now=NOW)
    body = client.get(URL, {"start": "2025-03-03", "days": "10"}).json()
    assert (body["due"], body["holidays"]) == ("2025-03-18", ["停电闭厅"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"days": "5"}, "start"),
        ({"start": "2025-13-01", "days": "5"}, "start"),
        ({"start": "yesterday", "days": "5"}, "start"),
        ({"start": "20250101", "days": "5"}, "start"),
        ({"start": "1800-01-01", "days": "5"}, "start"),
        ({"start": "2025-03-03"}, "days"),
        ({"start": "2025-03-03", "days": "-1"}, "days"),
        ({"start": "2025-03-03", "days": "3651"}, "days"),
        ({"start": "2025-03-03", "days": "ten"}, "days"),
        ({"start": "2025-03-03", "days": "5", "halve": "perhaps"}, "halve"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, params, field):
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == field
    assert field in body["message"]
    assert [e["field"] for e in body["errors"]] == [field]


def test_the_largest_limit_is_answered(client):
    response = client.get(URL, {"start": "2026-01-05", "days": "3650"})
    assert response.status_code == 200
    assert response.json()["provisional"] is True
