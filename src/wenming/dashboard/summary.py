"""The daily metrics behind the dashboard's flow figures and trends, and their summary tables.

Each metric is defined once here (`METRICS`): which records, which date decides the day
(Asia/Shanghai), which path decides the place, what is added up and, for the breakdowns,
which category splits it. The counts behind the demand rates are the demands app's own
(`demands.rates.count_rows`), kept per day of collection (`RATE_CODES`).

`refresh` counts whole calendar months into `DailyStat` and `MonthlyStat`, one row per
node at every level above the record, so a figure for any scope and period reads whole
months from `MonthlyStat`, the edge days from `DailyStat` and the days after the summary
(normally only today) straight from the records: the answer is the same whether the summary
exists or not (tested), and its cost does not grow with the number of villages or days.
"""

import contextvars
import datetime as dt
from abc import ABC, abstractmethod
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from wenming.dashboard.models import DailyStat, MonthlyStat, SummaryState

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
        return super().queryset().filter(status__in=["completed", "rated"])


class PeopleServed(OrdersSolved):
    def value(self):
        return Coalesce(Sum("served_count"), 0)


class DemandsCollected(Metric):
    def queryset(self):
        from wenming.demands.models import Demand
        return Demand.objects.exclude(status="rejected")

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


# ---- reading: whole months + edge days + the live tail ----

def _child(prefix: str, path: str) -> str | None:
    """The child of `prefix` that `path` lies under (the node itself: None)."""
    head = path[len(prefix):].split("/")[0]
    return f"{prefix}{head}/" if head else None


def keeps_days(prefix: str, codes, by: str | None = None) -> bool:
    """Whether daily rows hold these codes for this scope. Every level keeps the ordinary
    metrics' daily totals; the category split and the demand-rate counts are kept per day for
    a district only, departments never: below that, a few weeks of demands are cheaper to count
    live than a daily row per village, category and count is to keep."""
    if any(c.startswith("dd:") for c in codes):
        return False
    if _level(prefix) == 0:
        return True
    return by != "dim" and not any(c.startswith("dr:") for c in codes)


def _daily_row_kept(path: str, code: str, dim: str) -> bool:
    if code.startswith("dd:"):
        return False
    if code.startswith("dr:") or dim:
        return _level(path) == 0
    return True


def plan(start: dt.date, end: dt.date, *, days: bool, use_summary: bool = True) -> list[tuple[str, dt.date, dt.date]]:
    """How to count the days [start, end): ("month" | "day" | "live", first day, day after).

    Whole months the summary covers come from MonthlyStat; the edge days from DailyStat when
    `days` (else live); the days after the summary live."""
    upto = covered_through() if use_summary else None
    if start >= end:
        return []
    if upto is None or start > upto:
        return [("live", start, end)]
    split = min(end, upto + dt.timedelta(days=1))
    m1 = start if start.day == 1 else next_month(start)
    m2 = month_start(split)
    pieces, edges = [], [(start, split)]
    if m1 < m2:
        pieces.append(("month", m1, m2))
        edges = [(start, m1), (m2, split)]
    pieces += [("day" if days else "live", s, e) for s, e in edges if s < e]
    if split < end:
        pieces.append(("live", split, end))
    return pieces


def stat_rows(kind: str, codes, prefix: str, start: dt.date, end: dt.date, *, by: str | None = None,
              dim: str | None = None):
    """(metric, key, value) summed from MonthlyStat ("month") or DailyStat ("day") for [start, end)."""
    view = _pinned.get()
    within_month = month_start(start) == month_start(end - dt.timedelta(days=1))
    if view is not None and not any(c.startswith("dd:") for c in codes) and (
            by in (None, "dim") or (by == "month" and within_month)):
        yield from _from_piece(view, kind, codes, prefix, start, end, by=by, dim=dim)
        return
    model, date_field = (MonthlyStat, "month") if kind == "month" else (DailyStat, "date")
    qs = model.objects.filter(metric__in=codes, **{f"{date_field}__gte": start, f"{date_field}__lt": end})
    if by == "child":
        # the children's own paths: exact matches on the (path, metric, dim, date) key, where a
        # path prefix would read the level's rows of the whole district
        qs = qs.filter(path__in=_children(prefix, view), dim="")
    else:
        qs = qs.filter(path=prefix)
        if by == "dim":
            qs = qs.filter(dim__startswith=dim) if dim else qs.exclude(dim="")
        else:
            qs = qs.filter(dim=dim or "")
    if by == "month":
        for r in qs.values("metric", date_field).annotate(v=Sum("value")).order_by():
            yield r["metric"], month_start(r[date_field]), r["v"]
        return
    key_field = {"child": "path", "dim": "dim"}.get(by)
    fields = ["metric", key_field] if key_field else ["metric"]
    for r in qs.values(*fields).annotate(v=Sum("value")).order_by():
        yield r["metric"], (r[key_field] if key_field else None), r["v"]


def _children(prefix: str, view: _View | None) -> list[str]:
    from wenming.regions.models import Node

    held = view.children if view is not None else {}
    if prefix not in held:
        held[prefix] = list(Node.objects.filter(parent__path=prefix).values_list("path", flat=True))
    return held[prefix]


def _from_piece(view: _View, kind, codes, prefix, start, end, *, by, dim):
    """`stat_rows` from one read of every metric and category of the node for [start, end),
    shared by the parts of a view (per-department rows are left out: the department view reads
    its own)."""
    key = (kind, prefix, start, end)
    if key not in view.pieces:
        model, date_field = (MonthlyStat, "month") if kind == "month" else (DailyStat, "date")
        rows = (model.objects.filter(path=prefix, **{f"{date_field}__gte": start, f"{date_field}__lt": end})
                .exclude(metric__startswith="dd:").values_list("metric", "dim").annotate(v=Sum("value")).order_by())
        view.pieces[key] = list(rows)
    wanted = set(codes)
    for metric, row_dim, value in view.pieces[key]:
        if metric not in wanted:
            continue
        if by == "dim":
            if row_dim and row_dim.startswith(dim or ""):
                yield metric, row_dim, value
        elif row_dim == (dim or ""):
            yield metric, (month_start(start) if by == "month" else None), value


def _direct_rows(code: str, prefix: str, start: dt.date, end: dt.date, by: str | None):
    metric = METRICS[code]
    view = _pinned.get()
    if view is not None and view.covered_through is not None and start > view.covered_through:
        yield from _from_live(view, metric, prefix, start, end, by)
        return
    qs = _filtered(metric, prefix, start, end)
    if by == "month":
        for r in qs.annotate(k=_month_expr(metric)).values("k").annotate(v=metric.value()).order_by():
            yield code, month_start(_as_date(r["k"])), r["v"]
    elif by == "child":
        for r in qs.values(k=F(metric.path_field)).annotate(v=metric.value()).order_by():
            child = _child(prefix, r["k"] or "")
            if child:
                yield code, child, r["v"]
    elif by == "dim":
        if metric.dim() is not None:
            for r in qs.values(k=metric.dim()).annotate(v=metric.value()).order_by():
                yield code, r["k"] or "未分类", r["v"]
    else:
        yield code, None, qs.aggregate(v=metric.value())["v"]


def _from_live(view: _View, metric: Metric, prefix: str, start: dt.date, end: dt.date, by: str | None):
    """`_direct_rows` for the days after the summary (normally just today): the records of the
    node read once per view, per place, day and category, and added up here for each part."""
    key = (metric.code, prefix, start)
    held = view.live.get(key)
    if held is None or held[0] < end:
        keys = {"p": F(metric.path_field), "d": _day_expr(metric)}
        if metric.dim() is not None:
            keys["k"] = metric.dim()
        rows = _filtered(metric, prefix, start, end).values(**keys).annotate(v=metric.value()).order_by()
        held = view.live[key] = (end, [(r["p"] or "", _as_date(r["d"]), r.get("k"), r["v"]) for r in rows])
    for path, day, row_dim, value in held[1]:
        if day >= end:
            continue
        if by == "month":
            yield metric.code, month_start(day), value
        elif by == "child":
            child = _child(prefix, path)
            if child:
                yield metric.code, child, value
        elif by == "dim":
            if metric.dim() is not None:
                yield metric.code, row_dim or "未分类", value
        else:
            yield metric.code, None, value


def sums(codes: list[str], prefix: str, start: dt.date, end: dt.date, *, by: str | None = None,
         use_summary: bool = True) -> dict[str, dict]:
    """{code: {key: value}} of the metrics `codes` for the records under `prefix` on the days
    [start, end). by=None: key None; "month": the first day of each month; "child": the path of
    each child node; "dim": the category (metrics with a `dim`)."""
    out: dict[str, dict] = {c: defaultdict(Decimal) for c in codes}
    for kind, s, e in plan(start, end, days=keeps_days(prefix, codes, by), use_summary=use_summary):
        if kind == "live":
            rows = (row for code in codes for row in _direct_rows(code, prefix, s, e, by))
        else:
            rows = stat_rows(kind, codes, prefix, s, e, by=by)
        for code, key, value in rows:
            out[code][key] += Decimal(value or 0)
    return out


def metric_total(code: str, prefix: str, start: dt.date, end: dt.date, *, use_summary: bool = True) -> Decimal:
    """The metric for the records under `prefix` on the days [start, end)."""
    return sums([code], prefix, start, end, use_summary=use_summary)[code].get(None, Decimal(0))


def metrics_by_month(codes: list[str], prefix: str, start: dt.date, end: dt.date, *,
                     use_summary: bool = True) -> dict[str, dict[dt.date, Decimal]]:
    """{code: {first day of month: value}} for the days [start, end)."""
    return {c: dict(v) for c, v in sums(codes, prefix, start, end, by="month", use_summary=use_summary).items()}


def metric_by_month(code: str, prefix: str, start: dt.date, end: dt.date, *,
                    use_summary: bool = True) -> dict[dt.date, Decimal]:
    return metrics_by_month([code], prefix, start, end, use_summary=use_summary)[code]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(TZ).date() if timezone.is_aware(value) else value.date()
    return value


# ---- writing ----

def _ancestors(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)] if path.count("/") >= 2 else []


def _leaf_rows(codes: list[str], start: dt.date, end: dt.date):
    """(record path, day, metric, dim, value) for the ordinary metrics among `codes`."""
    from wenming.regions.models import Node

    districts = list(Node.objects.filter(kind="district").values_list("path", flat=True))
    for metric, district in ((METRICS[c], d) for c in codes if c in METRICS for d in districts):
        keys = {"p": F(metric.path_field), "d": _day_expr(metric)}
        if metric.dim() is not None:
            keys["k"] = metric.dim()
        for r in _filtered(metric, district, start, end).values(**keys).annotate(v=metric.value()).order_by():
            value = Decimal(r["v"] or 0)
            day = _as_date(r["d"])
            yield r["p"], day, metric.code, "", value
            if "k" in keys:
                yield r["p"], day, metric.code, (r["k"] or "未分类")[:64], value


def _rate_leaf_rows(start: dt.date, end: dt.date):
    """The stored counts of demands.rates per day of collection: per demand path, and per
    department (the demands it leads, the assignments it was sent) on the district's row."""
    from wenming.demands import rates

    s, e = _local_midnight(start), _local_midnight(end)
    demands, assignments = defaultdict(list), defaultdict(list)
    for d in rates._demand_rows(s, e):
        day = _as_date(d["collected_at"])
        demands[("dr", d["path"], "", day)].append(d)
        if d["lead_department"] is not None:
            demands[("dd", _district_path(d["path"]), str(d["lead_department"]), day)].append(d)
    for a in rates._assignment_rows(s, e):
        day = _as_date(a["collected_at"])
        assignments[("dr", a["path"], "", day)].append(a)
        assignments[("dd", _district_path(a["path"]), str(a["department_id"]), day)].append(a)
    now = timezone.now()
    for key in demands.keys() | assignments.keys():
        family, path, unit, day = key
        counts = rates.count_rows(demands.get(key, []), assignments.get(key, []), as_of=now)
        for name in RATE_COUNTS:
            if counts[name]:
                yield path, day, f"{family}:{name}", unit, Decimal(counts[name])
        for level, n in counts[RATE_LEVELS].items():
            yield path, day, f"{family}:{RATE_LEVELS}", f"{unit}:{level}" if unit else str(level), Decimal(n)


def _district_path(path: str) -> str:
    return f"/{path.split('/')[1]}/"


def _recount(start: dt.date, end: dt.date, codes: list[str]) -> int:
    """Recount `codes` for the whole months from start's month to `end` (exclusive)."""
    start = month_start(start)
    if start >= end:
        return 0
    daily: dict[tuple, Decimal] = defaultdict(Decimal)
    leaves = list(_leaf_rows(codes, start, end))
    if any(c in RATE_CODES for c in codes):
        leaves += list(_rate_leaf_rows(start, end))
    for path, day, code, dim, value in leaves:
        for node_path in _ancestors(path or ""):
            daily[(node_path, code, dim, day)] += value
    monthly: dict[tuple, Decimal] = defaultdict(Decimal)
    for (path, code, dim, day), value in daily.items():
        monthly[(path, code, dim, month_start(day))] += value
    DailyStat.objects.filter(metric__in=codes, date__gte=start, date__lt=end).delete()
    MonthlyStat.objects.filter(metric__in=codes, month__gte=start, month__lt=end).delete()

    def fields(path):
        return {"district_id": _district_id(path), "path": path, "level": _level(path)}

    DailyStat.objects.bulk_create(
        [DailyStat(**fields(p), metric=c, dim=k, date=d, value=v) for (p, c, k, d), v in daily.items()
         if v and _daily_row_kept(p, c, k)], batch_size=2000)
    MonthlyStat.objects.bulk_create(
        [MonthlyStat(**fields(p), metric=c, dim=k, month=m, value=v) for (p, c, k, m), v in monthly.items() if v],
        batch_size=2000)
    return sum(1 for v in monthly.values() if v)


def _months_of(days) -> list[dt.date]:
    return sorted({month_start(d) for d in days})


def refresh(*, now=None, full: bool = False) -> int:
    """Re-count the months that may have changed and store them; returns monthly rows written.

    Recounted: everything when the table is new or `full`; otherwise the months of the last
    RECOUNT_DAYS days, the months of any day that a service record filed since the last run
    is dated (hours may be filed for an earlier day), and the months of the days whose
    demands changed (`RecountDay`, marked on every demand event). Running it twice changes
    nothing.
    """
    from wenming.demands.models import RecountDay

    now = now or timezone.now()
    today = now.astimezone(TZ).date()
    through = today - dt.timedelta(days=1)
    state = SummaryState.objects.first()
    everything = list(METRICS) + RATE_CODES
    written = 0
    with transaction.atomic():
        dirty = list(RecountDay.objects.filter(marked_at__lte=now).values_list("pk", "date"))
        if state is None or full:
            since = dt.date(2000, 1, 1)
            late_hours, late_demands = set(), set()
        else:
            since = min(state.covered_through + dt.timedelta(days=1), today - dt.timedelta(days=RECOUNT_DAYS))
            from wenming.volunteers.models import ServiceRecord
            late_hours = set(ServiceRecord.objects.filter(created_at__gte=state.refreshed_at - dt.timedelta(hours=1),
                                                          served_on__lt=month_start(since))
                             .values_list("served_on", flat=True))
            late_demands = {d for _, d in dirty if d < month_start(since)}
        for month in _months_of(late_hours | late_demands):
            codes = (["service_hours"] if month in _months_of(late_hours) else []) + (
                RATE_CODES if month in _months_of(late_demands) else [])
            written += _recount(month, min(next_month(month), through + dt.timedelta(days=1)), codes)
        if since <= through:
            written += _recount(since, through + dt.timedelta(days=1), everything)
        RecountDay.objects.filter(pk__in=[pk for pk, _ in dirty], marked_at__lte=now).delete()
        SummaryState.objects.update_or_create(pk=1, defaults={"covered_through": max(through, since - dt.timedelta(days=1)),
                                                              "refreshed_at": now})
    _update_planner_statistics(full=state is None or full)
    return written


def _update_planner_statistics(*, full: bool) -> None:
    """SQLite keeps no statistics unless asked, and without them it reads a district's
    demands through the district index instead of the date index. PostgreSQL's autovacuum
    does this by itself."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if full else "PRAGMA optimize")


__all__ = ["METRICS", "RATE_CODES", "PLACE_RATE_CODES", "DEPT_RATE_CODES", "sums", "metric_total", "metric_by_month", "direct_total", "refresh"]
