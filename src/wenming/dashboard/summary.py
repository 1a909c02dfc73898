"""The daily metrics behind the dashboard's flow figures and trends, and their summary table.

Each metric is defined once here (`METRICS`): which records, which date decides the day
(Asia/Shanghai), which path decides the place, and what is added up. `metric_total` gives
the figure for a scope and period: summed from `DailyStat` for the days the summary covers
and counted directly from the records for the days after that (normally only today), so
the answer is the same whether the summary exists or not. `refresh` rebuilds the rows of
the days that may have changed and is idempotent.
"""

import datetime as dt
from abc import ABC, abstractmethod
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from wenming.dashboard.models import DailyStat, SummaryState

TZ = ZoneInfo("Asia/Shanghai")
# days re-counted on every run: late changes (a record filed for last week, an activity cancelled)
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


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TZ)


class _Orders(Metric):
    def queryset(self):
        from wenming.orders.models import Order
        return Order.objects.all()


class OrdersPlaced(_Orders):
    pass


class OrdersSolved(_Orders):
    def queryset(self):
        return super().queryset().filter(status__in=["completed", "rated"])


class PeopleServed(OrdersSolved):
    def value(self):
        return Coalesce(Sum("served_count"), 0)


class DemandsCollected(Metric):
    def queryset(self):
        from wenming.demands.models import Demand
        return Demand.objects.exclude(status="rejected")


class DemandsResolved(DemandsCollected):
    def queryset(self):
        return super().queryset().filter(resolved=True, closed_at__isnull=False)


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
        return Activity.objects.exclude(status="cancelled").filter(ends_at__lte=timezone.now())


METRICS = {m.code: m for m in [
    OrdersPlaced("orders_placed", "点单数", "submitted_at", "path", False),
    OrdersSolved("orders_solved", "解决订单数", "completed_at", "path", False),
    PeopleServed("people_served", "服务人次", "completed_at", "path", False),
    DemandsCollected("demands_collected", "收集诉求数", "collected_at", "path", False),
    DemandsResolved("demands_resolved", "解决诉求数", "closed_at", "path", False),
    ServiceHours("service_hours", "服务时长", "served_on", "volunteer__node__path", True),
    ActivitiesHeld("activities_held", "开展活动数", "ends_at", "station__node__path", False),
]}


def is_district_path(prefix: str) -> bool:
    return prefix.count("/") == 2


def scope_stats(qs, prefix: str):
    """DailyStat rows under `prefix`: by district id for a whole district, else by path prefix."""
    if not prefix:
        return qs
    qs = qs.filter(district_id=int(prefix.split("/")[1]))
    return qs if is_district_path(prefix) else qs.filter(path__startswith=prefix)


def _filtered(metric: Metric, prefix: str, start: dt.date, end: dt.date):
    qs = metric.queryset()
    if prefix:
        # every source table carries its district: lets the (district, date) indexes work, and a
        # district's own scope needs no path test at all
        qs = qs.filter(district_id=int(prefix.split("/")[1]))
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


def covered_through() -> dt.date | None:
    state = SummaryState.objects.first()
    return state.covered_through if state else None


def metric_total(code: str, prefix: str, start: dt.date, end: dt.date, *, use_summary: bool = True) -> Decimal:
    """The metric for the records under `prefix` on the days [start, end)."""
    upto = covered_through() if use_summary else None
    if upto is None or start > upto:
        return direct_total(code, prefix, start, end)
    split = min(end, upto + dt.timedelta(days=1))
    qs = DailyStat.objects.filter(metric=code, date__gte=start, date__lt=split)
    if prefix:
        qs = scope_stats(qs, prefix)
    summed = qs.aggregate(v=Sum("value"))["v"] or Decimal(0)
    return summed + direct_total(code, prefix, split, end)


def metrics_by_month(codes: list[str], prefix: str, start: dt.date, end: dt.date, *,
                     use_summary: bool = True) -> dict[str, dict[dt.date, Decimal]]:
    """{code: {first day of month: value}} for the days [start, end), one summary query for all."""
    out: dict[str, dict[dt.date, Decimal]] = {c: defaultdict(Decimal) for c in codes}
    upto = covered_through() if use_summary else None
    split = start
    if upto is not None and start <= upto:
        split = min(end, upto + dt.timedelta(days=1))
        qs = DailyStat.objects.filter(metric__in=codes, date__gte=start, date__lt=split)
        if prefix:
            qs = scope_stats(qs, prefix)
        # group by day in SQL, bucket into months here: cheaper than a month function per row
        for row in qs.values("metric", "date").annotate(v=Sum("value")).order_by():
            out[row["metric"]][row["date"].replace(day=1)] += row["v"]
    if split < end:
        for code in codes:
            metric = METRICS[code]
            rows = (_filtered(metric, prefix, split, end).annotate(m=_month_expr(metric)).values("m")
                    .annotate(v=metric.value()).order_by())
            for row in rows:
                out[code][_as_date(row["m"]).replace(day=1)] += Decimal(row["v"] or 0)
    return {c: dict(v) for c, v in out.items()}


def metric_by_month(code: str, prefix: str, start: dt.date, end: dt.date, *,
                    use_summary: bool = True) -> dict[dt.date, Decimal]:
    return metrics_by_month([code], prefix, start, end, use_summary=use_summary)[code]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(TZ).date() if timezone.is_aware(value) else value.date()
    return value


def _district_of(paths: set[str]) -> dict[str, int]:
    """The district node id of each path ("/<district>/<town>/.../")."""
    heads = {p.split("/")[1] for p in paths if p.count("/") >= 2}
    ids = {h: int(h) for h in heads if h.isdigit()}
    return {p: ids.get(p.split("/")[1]) if p.count("/") >= 2 else None for p in paths}


def refresh(*, now=None, full: bool = False) -> int:
    """Re-count the days that may have changed and store them; returns rows written.

    Days recounted: everything when the table is new or `full`; otherwise the last
    RECOUNT_DAYS days plus any day that a service record filed since the last run is dated
    (hours may be filed for an earlier day). Running it twice changes nothing.
    """
    now = now or timezone.now()
    today = now.astimezone(TZ).date()
    through = today - dt.timedelta(days=1)
    state = SummaryState.objects.first()
    if state is None or full:
        since = dt.date(2000, 1, 1)
        extra_days: set[dt.date] = set()
    else:
        since = min(state.covered_through + dt.timedelta(days=1), today - dt.timedelta(days=RECOUNT_DAYS))
        from wenming.volunteers.models import ServiceRecord
        extra_days = set(ServiceRecord.objects.filter(created_at__gte=state.refreshed_at - dt.timedelta(hours=1),
                                                      served_on__lt=since).values_list("served_on", flat=True))
    written = 0
    with transaction.atomic():
        if extra_days:  # only hours can be filed for an earlier day: recount that one metric, in one pass
            written += _recount(min(extra_days), since, metrics=["service_hours"])
        if since <= through:
            written += _recount(since, through + dt.timedelta(days=1))
        SummaryState.objects.update_or_create(pk=1, defaults={"covered_through": max(through, since - dt.timedelta(days=1)),
                                                              "refreshed_at": now})
    return written


def _recount(start: dt.date, end: dt.date, metrics: list[str] | None = None) -> int:
    codes = metrics or list(METRICS)
    DailyStat.objects.filter(metric__in=codes, date__gte=start, date__lt=end).delete()
    rows = []
    for metric in (METRICS[c] for c in codes):
        grouped = (_filtered(metric, "", start, end).annotate(d=_day_expr(metric))
                   .values(metric.path_field, "d").annotate(v=metric.value()).order_by())
        batch = [(r[metric.path_field], _as_date(r["d"]), Decimal(r["v"] or 0)) for r in grouped]
        districts = _district_of({p for p, _, _ in batch})
        rows += [DailyStat(district_id=districts[p], path=p, date=d, metric=metric.code, value=v)
                 for p, d, v in batch if v and districts.get(p)]
    DailyStat.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


__all__ = ["METRICS", "metric_total", "metric_by_month", "direct_total", "refresh", "Q"]
