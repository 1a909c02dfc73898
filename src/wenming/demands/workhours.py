"""Working-hour deadlines (签收时限): office hours 09:00–17:00 on working days, Chinese holidays counted.

Working days come from core.workdays (office overrides, then the holiday package, then weekends).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from wenming.core.workdays import _overrides, is_workday

DAY_START = dt.time(9, 0)
DAY_END = dt.time(17, 0)
HOURS_PER_DAY = 8


def add_workhours(start: dt.datetime, hours: int) -> dt.datetime:
    """The moment `hours` office hours after `start`.

    Time outside office hours does not count: a demand whistled at 20:00 on a Friday with
    two hours to sign is due at 11:00 on the next working day.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    local = timezone.localtime(start, tz)
    day = local.date()
    overrides = _overrides(day, day + dt.timedelta(days=hours // HOURS_PER_DAY * 3 + 40))
    cursor = dt.datetime.combine(day, max(local.time(), DAY_START), tzinfo=tz)
    remaining = dt.timedelta(hours=hours)
    while True:
        if is_workday(cursor.date(), overrides) and cursor.time() < DAY_END:
            end_of_day = dt.datetime.combine(cursor.date(), DAY_END, tzinfo=tz)
            available = end_of_day - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        cursor = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), DAY_START, tzinfo=tz)
