"""Months and quarters in Asia/Shanghai, stored as "2026-11" and "2026Q4"."""

import datetime as dt
import re

from django.utils import timezone

from wenming.assessment.codes import Code
from wenming.core.errors import InvalidInput

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


def parse_period(value, field: str = "period") -> tuple[int, int]:
    m = PERIOD_RE.match(value or "") if isinstance(value, str) else None
    if not m:
        raise InvalidInput("月份格式应为 YYYY-MM", code=Code.BAD_PERIOD, errors={field: ["月份格式应为 YYYY-MM，如 2026-11"]})
    return int(m.group(1)), int(m.group(2))


def parse_quarter(value, field: str = "quarter") -> tuple[int, int]:
    m = QUARTER_RE.match(value or "") if isinstance(value, str) else None
    if not m:
        raise InvalidInput("季度格式应为 YYYYQn", code=Code.BAD_QUARTER, errors={field: ["季度格式应为 YYYYQn，如 2026Q4"]})
    return int(m.group(1)), int(m.group(2))


def period_of(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}-{local.month:02d}"


def previous_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def month_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month in local time, as aware datetimes."""
    year, month = parse_period(period)
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def month_deadline(period: str) -> dt.datetime:
    """Filing closes at the end of the month's last day (月底申报)."""
    return month_bounds(period)[1] - dt.timedelta(seconds=1)


def quarter_of(period: str) -> str:
    year, month = parse_period(period)
    return f"{year}Q{(month - 1) // 3 + 1}"


def quarter_periods(quarter: str) -> list[str]:
    year, q = parse_quarter(quarter)
    return [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


def previous_quarter(quarter: str) -> str:
    year, q = parse_quarter(quarter)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"
