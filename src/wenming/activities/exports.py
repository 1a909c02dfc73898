"""Excel of an activity's attendance sheet (考勤表 导出 Excel): the sign-ups the organizer's page lists."""

import re

from wenming.activities.selectors import computed_hours
from wenming.core.excel import Column


def _hours(value):
    return float(value) if value is not None else ""


def _attended(signup):
    if signup.attended is None:
        return ""
    return "出勤" if signup.attended else "缺勤"


ATTENDANCE_COLUMNS = [
    Column("姓名", lambda s: s.volunteer.name, 12),
    Column("报名时间", lambda s: s.signed_at, 17),
    Column("签到", lambda s: s.checkin_at, 17),
    Column("签退", lambda s: s.checkout_at, 17),
    Column("时长", lambda s: _hours(computed_hours(s)), 8),
    Column("出勤", _attended, 8),
    Column("认定时长", lambda s: _hours(s.hours), 10),
]


def attendance_title(activity) -> str:
    """The sheet's title; characters Excel refuses in a sheet name become spaces."""
    return re.sub(r"[\[\]:*?/\\]", " ", f"考勤表·{activity.title}")
