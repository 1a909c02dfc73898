"""Writing the summary: `refresh` recounts the months that may have changed into `DailyStat`
and `MonthlyStat`."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenming.dashboard.models import DailyStat, MonthlyStat, SummaryState
from wenming.dashboard.summary.definitions import (
    METRICS,
    RATE_CODES,
    RATE_COUNTS,
    RATE_LEVELS,
    RECOUNT_DAYS,
    TZ,
    _as_date,
    _daily_row_kept,
    _day_expr,
    _district_id,
    _filtered,
    _level,
    _local_midnight,
    month_start,
    next_month,
)


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
