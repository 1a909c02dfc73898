"""Deadlines in working days: statutory holidays, make-up workdays, office entries, unknown years (DESIGN §5)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wenming.core import workdays
from wenming.core.models import CalendarDay
from wenming.core.workdays import add_workdays, is_workday, uncovered_years, workdays_between

CST = ZoneInfo("Asia/Shanghai")
# A year the holiday package does not know. Which years it knows changes with its releases (and
# 2027 arrives), so the tests do not rely on it: the `package_lacks_year` fixture makes the
# package answer for this year as it does for any year whose State Council notice is not out.
UNKNOWN_YEAR = 2027


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=CST)


def end_of(y, m, d):
    return dt.datetime(y, m, d, 23, 59, 59, tzinfo=CST)


@pytest.fixture
def package_lacks_year(monkeypatch):
    """The holiday package answers for UNKNOWN_YEAR as it does for a year it has no notice for."""
    real = workdays.package_covers
    monkeypatch.setattr(workdays, "package_covers", lambda year: year != UNKNOWN_YEAR and real(year))


def test_the_package_covers_the_years_of_its_notices_only():
    # what the fallback is built on: the package knows this year's notice, not one far ahead
    assert workdays.package_covers(2026)
    assert not workdays.package_covers(2099)
    assert not workdays.package_covers(1990)


@pytest.mark.django_db
@pytest.mark.parametrize("start,days,due", [
    (at(2026, 9, 30), 1, end_of(2026, 10, 8)),        # eve of National Day: Oct 1–7 off
    (at(2026, 9, 30, 23, 30), 1, end_of(2026, 10, 8)),
    (at(2026, 9, 29), 2, end_of(2026, 10, 8)),
    (at(2026, 9, 30), 2, end_of(2026, 10, 9)),
    (at(2026, 9, 30), 3, end_of(2026, 10, 10)),       # Saturday Oct 10 is a make-up workday
    (at(2026, 10, 9), 1, end_of(2026, 10, 10)),
    (at(2026, 10, 10), 1, end_of(2026, 10, 12)),      # and Sunday Oct 11 is not
    (at(2026, 9, 19), 1, end_of(2026, 9, 20)),        # Sunday Sep 20 is a make-up workday
    (at(2026, 9, 24), 1, end_of(2026, 9, 28)),        # Mid-Autumn Sep 25–27 off
    (at(2026, 11, 20), 1, end_of(2026, 11, 23)),      # a plain weekend
    (at(2026, 11, 23), 5, end_of(2026, 11, 30)),
])
def test_deadlines_count_statutory_holidays_and_make_up_days(start, days, due):
    assert add_workdays(start, days) == due


@pytest.mark.django_db
def test_the_local_date_decides_not_the_utc_date():
    # 2026-09-30 17:30 UTC is already 01:30 on National Day in Shanghai
    utc = dt.datetime(2026, 9, 30, 17, 30, tzinfo=dt.UTC)
    assert add_workdays(utc, 1) == end_of(2026, 10, 8)
    # 2026-09-29 20:00 UTC is the morning of Sep 30 in Shanghai
    assert add_workdays(dt.datetime(2026, 9, 29, 20, 0, tzinfo=dt.UTC), 1) == end_of(2026, 10, 8)


@pytest.mark.django_db
def test_an_office_entry_wins_over_the_package():
    CalendarDay.objects.create(date=dt.date(2026, 10, 8), is_workday=False, note="补充放假")
    assert add_workdays(at(2026, 9, 30), 1) == end_of(2026, 10, 9)
    CalendarDay.objects.create(date=dt.date(2026, 10, 3), is_workday=True, note="值班")
    assert add_workdays(at(2026, 9, 30), 1) == end_of(2026, 10, 3)
    assert is_workday(dt.date(2026, 10, 3)) is True
    assert is_workday(dt.date(2026, 10, 8)) is False


@pytest.mark.django_db
def test_an_unknown_year_falls_back_to_weekends_without_crashing(package_lacks_year):
    # New Year's Day 2027 is a Friday; nobody has entered 2027, so it counts as a workday
    assert is_workday(dt.date(UNKNOWN_YEAR, 1, 1)) is True
    assert is_workday(dt.date(UNKNOWN_YEAR, 1, 2)) is False
    assert add_workdays(at(2026, 12, 31), 1) == end_of(UNKNOWN_YEAR, 1, 1)
    assert add_workdays(at(2026, 12, 31), 2) == end_of(UNKNOWN_YEAR, 1, 4)
    assert workdays_between(dt.date(2026, 12, 30), dt.date(UNKNOWN_YEAR, 1, 8)) == 7
    assert uncovered_years([2026, UNKNOWN_YEAR]) == [UNKNOWN_YEAR]


@pytest.mark.django_db
def test_an_entered_holiday_of_an_unknown_year_is_honoured(package_lacks_year):
    CalendarDay.objects.create(date=dt.date(UNKNOWN_YEAR, 1, 1), is_workday=False, note="元旦")
    CalendarDay.objects.create(date=dt.date(UNKNOWN_YEAR, 2, 6), is_workday=True, note="春节调休上班")
    assert uncovered_years([2026, UNKNOWN_YEAR]) == []
    assert add_workdays(at(2026, 12, 31), 1) == end_of(UNKNOWN_YEAR, 1, 4)
    assert add_workdays(at(UNKNOWN_YEAR, 2, 5), 1) == end_of(UNKNOWN_YEAR, 2, 6)  # a Saturday worked
    # days the office did not enter still follow the weekend rule
    assert is_workday(dt.date(UNKNOWN_YEAR, 3, 1)) is True
    assert is_workday(dt.date(UNKNOWN_YEAR, 3, 6)) is False


@pytest.mark.django_db
def test_a_long_run_of_entered_holidays_is_still_honoured(package_lacks_year):
    # an office may close for longer than the look-ahead window a naive loop would fetch
    start = dt.date(UNKNOWN_YEAR, 1, 4)
    for i in range(40):
        CalendarDay.objects.create(date=start + dt.timedelta(days=i), is_workday=False, note="停工")
    # closed Jan 4 – Feb 12; Feb 13–14 is a weekend
    assert add_workdays(at(UNKNOWN_YEAR, 1, 1), 1) == end_of(UNKNOWN_YEAR, 2, 15)


@pytest.mark.django_db
def test_working_days_between_two_dates():
    assert workdays_between(dt.date(2026, 9, 30), dt.date(2026, 10, 10)) == 3  # Oct 8, 9, 10
    assert workdays_between(dt.date(2026, 10, 10), dt.date(2026, 10, 10)) == 0
