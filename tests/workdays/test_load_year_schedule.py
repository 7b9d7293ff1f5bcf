"""load_year_schedule: a year the package lacks, loaded whole or not at all."""

from datetime import UTC, date, datetime

import pytest

from onestop.workdays import hooks
from onestop.workdays.actions import close_day, load_year_schedule, remove_year_schedule
from onestop.workdays.models import CalendarDay, CalendarYear
from onestop.workdays.queries import due_date, unknown_years
from onestop.workdays.schedule import ScheduleError, ScheduleRow

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)

# An invented 2027 schedule for the tests (the real one is whatever the State Council issues).
SCHEDULE_2027 = [
    ScheduleRow("2027-01-01", "休", "元旦"),
    ScheduleRow("2027-02-05", "休", "春节"),
    ScheduleRow("2027-02-06", "休", "春节"),
    ScheduleRow("2027-02-07", "休", "春节"),
    ScheduleRow("2027-02-08", "休", "春节"),
    ScheduleRow("2027-02-09", "休", "春节"),
    ScheduleRow("2027-02-10", "休", "春节"),
    ScheduleRow("2027-02-11", "休", "春节"),
    ScheduleRow("2027-02-12", "休", "春节"),
    ScheduleRow("2027-02-13", "班", "春节"),
    ScheduleRow("2027-02-20", "班", "春节"),
]


@pytest.fixture
def year_hook():
    calls: list[int] = []
    hooks.on_year_loaded.register(calls.append)
    yield calls
    hooks.on_year_loaded.unregister(calls.append)


def test_a_provisional_deadline_becomes_final_when_its_year_is_loaded(centre_admin):
    before = due_date(date(2026, 12, 18), 15)
    # 元旦 is a fixed-date holiday: it rests before the schedule is loaded as well.
    assert (before.due, before.provisional) == (date(2027, 1, 11), True)
    # 春节 moves with the lunar calendar: unknown until loaded. 2-2..2-5 1-4; 2-8..2-12 5-9
    spring = due_date(date(2027, 2, 1), 10)
    assert (spring.due, spring.provisional) == (date(2027, 2, 15), True)

    load_year_schedule(2027, SCHEDULE_2027, actor=centre_admin, now=NOW, name="测试用安排")

    after = due_date(date(2026, 12, 18), 15)
    # 12-21..12-25 1-5; 12-28..12-31 6-9; 2027-1-1 休 (元旦); 1-4..1-8 10-14; 1-11 Mon 15
    assert after.due == date(2027, 1, 11)
    assert not after.provisional
    # 2-2..2-4 1-3; 2-5..2-12 休; 2-13 Sat 班 4; 2-15..2-19 5-9; 2-20 Sat 班 10
    assert due_date(date(2027, 2, 1), 10).due == date(2027, 2, 20)
    assert unknown_years([2027]) == []
    year = CalendarYear.objects.get(year=2027)
    assert (year.name, year.loaded_by, year.loaded_at) == ("测试用安排", centre_admin, NOW)
    assert year.days.count() == len(SCHEDULE_2027)


def test_days_a_loaded_year_does_not_list_follow_monday_to_friday(centre_admin):
    load_year_schedule(2027, SCHEDULE_2027, actor=centre_admin, now=NOW)
    # 2-4 Thu; 2-5..2-12 休 (春节); 2-13 Sat 班 1; 2-14 Sun 休; 2-15 2 … 2-19 6; 2-20 Sat 班 7
    result = due_date(date(2027, 2, 4), 7)
    assert result.due == date(2027, 2, 20)
    assert not result.provisional
    assert {d.name for d in result.skipped} == {"春节"}


def test_hooks_run_after_commit_with_the_year(
    centre_admin, year_hook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load_year_schedule(2027, SCHEDULE_2027, actor=centre_admin, now=NOW)
        assert year_hook == []  # not inside the transaction
    assert year_hook == [2027]
    # One callback per registered hook (the cases app recounts its deadlines on one of them).
    assert len(callbacks) == len(hooks.on_year_loaded.functions) >= 2


def test_a_bad_file_is_rejected_whole_with_every_error(centre_admin, year_hook):
    rows = [
        ScheduleRow("2027-01-01", "休", "元旦"),
        ScheduleRow("2027-13-01", "休", "春节"),  # line 3: no month 13
        ScheduleRow("2028-01-01", "假", ""),  # line 4: wrong year, wrong kind
        ScheduleRow("2027-01-01", "班", "x" * 61),  # line 5: repeated date, name too long
        ScheduleRow("", "", ""),  # line 6: both required
    ]
    with pytest.raises(ScheduleError) as caught:
        load_year_schedule(2027, rows, actor=centre_admin, now=NOW)
    found = [(e.line, e.column) for e in caught.value.errors]
    assert found == [
        (3, "日期"),
        (4, "日期"),
        (4, "类型"),
        (5, "日期"),
        (5, "名称"),
        (6, "日期"),
        (6, "类型"),
    ]
    message = str(caught.value)
    assert "第 3 行“日期”：无法识别的日期“2027-13-01”" in message
    assert "第 4 行“日期”：2028-01-01 不在 2027 年内" in message
    assert "第 4 行“类型”：应为“休”或“班”，而不是“假”" in message
    assert "第 5 行“日期”：2027-01-01 与第 2 行重复" in message
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()
    assert year_hook == []


def test_an_empty_file_is_rejected(centre_admin):
    with pytest.raises(ScheduleError, match="没有数据行"):
        load_year_schedule(2027, [], actor=centre_admin, now=NOW)


def test_loading_a_year_again_replaces_its_rows_and_keeps_hand_set_days(centre_admin):
    load_year_schedule(2027, SCHEDULE_2027, actor=centre_admin, now=NOW)
    close_day(date(2027, 3, 1), "停电闭厅", actor=centre_admin, now=NOW)
    close_day(date(2027, 2, 13), "本地闭厅", actor=centre_admin, now=NOW)  # was 班 in the file

    result = load_year_schedule(
        2027, SCHEDULE_2027[:1] + SCHEDULE_2027[-2:], actor=centre_admin, now=NOW
    )

    assert result.replaced == len(SCHEDULE_2027) - 1  # 2-13 became hand-set
    assert [k.date for k in result.kept] == [date(2027, 2, 13)]
    assert sorted(CalendarDay.objects.values_list("date", "kind")) == [
        (date(2027, 1, 1), "holiday"),
        (date(2027, 2, 13), "holiday"),  # hand-set, kept
        (date(2027, 2, 20), "workday"),
        (date(2027, 3, 1), "holiday"),  # hand-set, kept
    ]
    assert CalendarYear.objects.count() == 1


def test_withdrawing_a_year_makes_it_provisional_again(centre_admin):
    load_year_schedule(2027, SCHEDULE_2027, actor=centre_admin, now=NOW)
    close_day(date(2027, 3, 1), "停电闭厅", actor=centre_admin, now=NOW)
    remove_year_schedule(CalendarYear.objects.get(year=2027), actor=centre_admin, now=NOW)
    assert due_date(date(2026, 12, 18), 15).provisional
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2027, 3, 1)]


def test_a_year_out_of_range_is_refused(centre_admin):
    with pytest.raises(ScheduleError, match="年份须在"):
        load_year_schedule(1800, [ScheduleRow("1800-01-01", "休", "")], actor=None, now=NOW)
