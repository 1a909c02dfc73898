"""Working-day arithmetic with Chinese statutory holidays and make-up workdays.

Order of authority for a date: a CalendarDay entered by the office, then the
`chinesecalendar` package, then plain weekends. Falling back to weekends never
crashes; the years it happened for are reported by `uncovered_years()` so the
pages can warn the office to enter that year's notice.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from wenming.core.models import CalendarDay

logger = logging.getLogger(__name__)
_uncovered: set[int] = set()


def package_covers(year: int) -> bool:
    """Whether the holiday package carries the State Council notice for `year`: it knows the
    years from its first to its last listed holiday (and refuses any other)."""
    first, last = min(chinese_calendar.holidays), max(chinese_calendar.holidays)
    return first.year <= year <= last.year


def _package_workday(day: dt.date) -> bool | None:
    return chinese_calendar.is_workday(day) if package_covers(day.year) else None


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
    return dict(rows)


def _year_entered(year: int) -> bool:
    return CalendarDay.objects.filter(date__year=year).exists()


def is_workday(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    if overrides is None:
        overrides = _overrides(day, day)
    if day in overrides:
        return overrides[day]
    known = _package_workday(day)
    if known is not None:
        return known
    if not _year_entered(day.year) and day.year not in _uncovered:
        _uncovered.add(day.year)
        logger.warning("no holiday calendar for %s: counting weekends only", day.year)
    return day.weekday() < 5


CALENDAR_EDITORS = frozenset({"office_admin", "center_admin"})


def edits_calendar(user) -> bool:
    """Who enters the holidays (节假日调整, in the admin): the office and the centre."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") in CALENDAR_EDITORS)


def uncovered_years(years=None) -> list[int]:
    """Years (default: this one and the next) that neither the package nor the office covers."""
    if years is None:
        this = timezone.localdate().year
        years = (this, this + 1)
    out = []
    for year in years:
        if not package_covers(year) and not _year_entered(year):
            out.append(year)
    return out


def add_workdays(start: dt.datetime, days: int) -> dt.datetime:
    """The moment `days` working days after `start`: the end of that working day (23:59:59 local).

    Something submitted on a Friday evening with one working day allowed is due at the
    end of Monday; on the eve of National Day it is due at the end of the first workday after.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    local = timezone.localtime(start, tz)
    day = local.date()
    horizon = day + dt.timedelta(days=days * 3 + 30)
    overrides = _overrides(day, horizon)
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day > horizon:
            # a long run of entered closures outlasted the window fetched: fetch the next one
            horizon = day + dt.timedelta(days=60)
            overrides.update(_overrides(day, horizon))
        if is_workday(day, overrides):
            counted += 1
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]."""
    overrides = _overrides(start, end)
    n = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day, overrides):
            n += 1
    return n
