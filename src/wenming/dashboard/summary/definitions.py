"""What each metric counts (`METRICS`, `RATE_CODES`), how a path names a level and a district,
and the one moment and summary state a whole view reads at."""

import contextvars
import datetime as dt
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from wenming.activities.choices import ActivityStatus
from wenming.dashboard.models import SummaryState
from wenming.demands.choices import DemandStatus
from wenming.orders.choices import DONE_STATUSES

TZ = ZoneInfo("Asia/Shanghai")
# days re-counted on every run (widened to whole months): late changes such as an order
# cancelled or an activity called off
RECOUNT_DAYS = 35


@dataclass(frozen=True)
class Metric(ABC):
    code: str
    name: str
    date_field: str
    path_field: str
    is_date: bool  # the date field is a DateField (no time zone conversion)

    @abstractmethod
    def queryset(self):
        """The records this metric counts, before the date and place filters."""

    def value(self):
        return Count("pk")

    def dim(self):
        """The category that splits this metric for the breakdowns, or None."""
        return None


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TZ)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


class _Orders(Metric):
    def queryset(self):
        from wenming.orders.models import Order
        return Order.objects.all()


class OrdersPlaced(_Orders):
    def dim(self):
        return Coalesce("service_item__category__name", "service_item__name")


class OrdersSolved(_Orders):
    def queryset(self):
        return super().queryset().filter(status__in=DONE_STATUSES)


class PeopleServed(OrdersSolved):
    def value(self):
        return Coalesce(Sum("served_count"), 0)


class DemandsCollected(Metric):
    def queryset(self):
        from wenming.demands.models import Demand
        return Demand.objects.exclude(status=DemandStatus.REJECTED)

    def dim(self):
        return Coalesce("category__parent__name", "category__name")


class DemandsResolved(DemandsCollected):
    def queryset(self):
        return super().queryset().filter(resolved=True, closed_at__isnull=False)

    def dim(self):
        return None


class ServiceHours(Metric):
    def queryset(self):
        from wenming.volunteers.models import ServiceRecord
        return ServiceRecord.objects.all()

    def value(self):
        return Coalesce(Sum("hours"), Decimal("0"))


class ActivitiesHeld(Metric):
    def queryset(self):
        from wenming.activities.models import Activity
        # held = not cancelled and over; the day is the day it ended
        return Activity.objects.exclude(status=ActivityStatus.CANCELLED).filter(ends_at__lte=timezone.now())


METRICS = {m.code: m for m in [
    OrdersPlaced("orders_placed", "点单数", "submitted_at", "path", False),
    OrdersSolved("orders_solved", "解决订单数", "completed_at", "path", False),
    PeopleServed("people_served", "服务人次", "completed_at", "path", False),
    DemandsCollected("demands_collected", "收集诉求数", "collected_at", "path", False),
    DemandsResolved("demands_resolved", "解决诉求数", "closed_at", "path", False),
    ServiceHours("service_hours", "服务时长", "served_on", "volunteer__node__path", True),
    ActivitiesHeld("activities_held", "开展活动数", "ends_at", "station__node__path", False),
]}

# The counts of demands.rates.count_rows that only change when a record does: kept per day of
# collection. `open_overdue` depends on the clock and is counted live; satisfaction points are
# kept as callbacks per level, so a changed weight applies to the past at once.
RATE_COUNTS = ("collected", "assigned", "assigned_counted", "responded_in_time", "called_back", "final_callbacks",
               "final_resolved", "resolved", "replied", "replied_on_time", "returned", "redone")
RATE_LEVELS = "final_by_level"
# "dr": per place (the node path of the demand, every level; levels in `dim`); "dd": per
# department, on the district's row, the department id in `dim` ("<dept>:<level>" for levels)
PLACE_RATE_CODES = [f"dr:{k}" for k in RATE_COUNTS] + [f"dr:{RATE_LEVELS}"]
DEPT_RATE_CODES = [f"dd:{k}" for k in RATE_COUNTS] + [f"dd:{RATE_LEVELS}"]
RATE_CODES = PLACE_RATE_CODES + DEPT_RATE_CODES


def is_district_path(prefix: str) -> bool:
    return prefix.count("/") == 2


def _district_id(prefix: str) -> int:
    return int(prefix.split("/")[1])


def _level(prefix: str) -> int:
    return prefix.count("/") - 2


def _filtered(metric: Metric, prefix: str, start: dt.date, end: dt.date):
    qs = metric.queryset()
    if prefix:
        # every source table carries its district: lets the (district, date) indexes work, and a
        # district's own scope needs no path test at all
        qs = qs.filter(district_id=_district_id(prefix))
        if not is_district_path(prefix):
            qs = qs.filter(**{f"{metric.path_field}__startswith": prefix})
    if metric.is_date:
        return qs.filter(**{f"{metric.date_field}__gte": start, f"{metric.date_field}__lt": end})
    return qs.filter(**{f"{metric.date_field}__gte": _local_midnight(start),
                        f"{metric.date_field}__lt": _local_midnight(end)})


def direct_total(code: str, prefix: str, start: dt.date, end: dt.date) -> Decimal:
    metric = METRICS[code]
    if start >= end:
        return Decimal(0)
    value = _filtered(metric, prefix, start, end).aggregate(v=metric.value())["v"]
    return Decimal(value or 0)


def _day_expr(metric: Metric):
    return F(metric.date_field) if metric.is_date else TruncDate(metric.date_field, tzinfo=TZ)


def _month_expr(metric: Metric):
    return TruncMonth(metric.date_field, tzinfo=None if metric.is_date else TZ)


_pinned: contextvars.ContextVar = contextvars.ContextVar("dashboard_summary_state", default=None)


@dataclass
class _View:
    """What one view has read so far: the summary's state, the summary pieces and the live rows."""

    covered_through: dt.date | None
    now: dt.datetime
    pieces: dict = field(default_factory=dict)
    live: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)
    shared: dict = field(default_factory=dict)


@contextmanager
def pinned():
    """Read the summary's state once for a whole view: every part of it then splits its
    period at the same day, and the parts share what they read (the headline, the breakdowns
    and the trends ask for the same days of the same node)."""
    token = _pinned.set(_View(covered_through(), timezone.now()))
    try:
        yield
    finally:
        _pinned.reset(token)


def view_cache(name: str) -> dict | None:
    """A dict that lives as long as the current view (None outside one), for other modules'
    shared reads."""
    view = _pinned.get()
    return None if view is None else view.shared.setdefault(name, {})


def now() -> dt.datetime:
    """The moment of the current view (one moment for all its parts), else the clock."""
    view = _pinned.get()
    return view.now if view is not None else timezone.now()


def covered_through() -> dt.date | None:
    held = _pinned.get()
    if held is not None:
        return held.covered_through
    state = SummaryState.objects.first()
    return state.covered_through if state else None


def _daily_row_kept(path: str, code: str, dim: str) -> bool:
    if code.startswith("dd:"):
        return False
    if code.startswith("dr:") or dim:
        return _level(path) == 0
    return True


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(TZ).date() if timezone.is_aware(value) else value.date()
    return value
