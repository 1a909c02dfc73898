"""All the data of one dashboard view (scope + period): what the API returns and the page draws."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils import timezone

from wenming.core.errors import InvalidInput
from wenming.dashboard import summary
from wenming.dashboard.figures import headline
from wenming.dashboard.models import DailyStat
from wenming.dashboard.summary import METRICS, TZ

TREND_METRICS = ["orders_placed", "orders_solved", "demands_collected", "demands_resolved", "service_hours"]
OPEN_ORDER = ["submitted", "dispatched", "accepted"]


def today() -> dt.date:
    return timezone.now().astimezone(TZ).date()


def period_bounds(period: str | None, start: str | None = None, end: str | None = None) -> tuple[str, dt.date, dt.date]:
    """(period key, first day, day after the last). `custom` takes ISO dates, end inclusive."""
    t = today()
    if start or end or period == "custom":
        try:
            s = dt.date.fromisoformat(str(start or "")[:10])
            e = dt.date.fromisoformat(str(end or "")[:10])
        except ValueError:
            raise InvalidInput(errors={"start": ["请填写起止日期（YYYY-MM-DD）。"]}) from None
        if e < s or (e - s).days > 3660 or s.year < 2000:
            raise InvalidInput(errors={"end": ["结束日期须不早于开始日期，且区间不超过十年。"]})
        return "custom", s, e + dt.timedelta(days=1)
    if period == "quarter":
        s = dt.date(t.year, (t.month - 1) // 3 * 3 + 1, 1)
        return "quarter", s, _add_months(s, 3)
    if period == "year":
        return "year", dt.date(t.year, 1, 1), dt.date(t.year + 1, 1, 1)
    s = dt.date(t.year, t.month, 1)
    return "month", s, _add_months(s, 1)


def _add_months(day: dt.date, n: int) -> dt.date:
    m = day.month - 1 + n
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def trends(node, end: dt.date, *, use_summary=True) -> dict:
    """The 12 calendar months ending with the month of the period's last day (or this month, if earlier)."""
    last = min(end - dt.timedelta(days=1), today())
    first = _add_months(dt.date(last.year, last.month, 1), -11)
    months = [_add_months(first, i) for i in range(12)]
    stop = _add_months(months[-1], 1)
    series = {}
    by_code = summary.metrics_by_month(TREND_METRICS, node.path, first, stop, use_summary=use_summary)
    for code in TREND_METRICS:
        series[code] = [float(by_code[code].get(m, Decimal(0))) for m in months]
    return {"months": [m.strftime("%Y-%m") for m in months], "series": series,
            "names": {c: METRICS[c].name for c in TREND_METRICS}}


def _by_path(codes, prefix, start, end, use_summary=True) -> dict[str, dict[str, Decimal]]:
    """{code: {record path: value}}: one summary query for all codes, plus the live tail."""
    out: dict[str, dict[str, Decimal]] = {c: defaultdict(Decimal) for c in codes}
    upto = summary.covered_through() if use_summary else None
    split = start
    if upto is not None and start <= upto:
        split = min(end, upto + dt.timedelta(days=1))
        rows = (summary.scope_stats(DailyStat.objects.filter(metric__in=codes, date__gte=start, date__lt=split), prefix)
                .values("metric", "path").annotate(v=models_sum("value")).order_by())
        for r in rows:
            out[r["metric"]][r["path"]] += r["v"]
    if split < end:
        for code in codes:
            metric = METRICS[code]
            rows = (summary._filtered(metric, prefix, split, end).values(metric.path_field)
                    .annotate(v=metric.value()).order_by())
            for r in rows:
                out[code][r[metric.path_field]] += Decimal(r["v"] or 0)
    return out


def models_sum(field):
    from django.db.models import Sum
    return Sum(field)


def town_ranking(node, start, end, *, use_summary=True) -> list[dict]:
    """The children of the node (towns of a district, villages of a town), by orders solved."""
    from wenming.regions.models import Node

    children = list(Node.objects.filter(parent=node).order_by("pk"))
    rows = {c.path: {"node": c.pk, "name": c.name, "orders_solved": 0, "demands_collected": 0,
                     "service_hours": 0.0, "activities_held": 0} for c in children}
    codes = ["orders_solved", "demands_collected", "service_hours", "activities_held"]
    by_path = _by_path(codes, node.path, start, end, use_summary)
    for code in codes:
        for path, value in by_path[code].items():
            head = path[len(node.path):].split("/")[0]
            key = f"{node.path}{head}/"
            if key in rows:
                rows[key][code] += float(value) if code == "service_hours" else int(value)
    out = sorted(rows.values(), key=lambda r: (-r["orders_solved"], -r["demands_collected"], r["node"]))
    for i, r in enumerate(out, 1):
        r["rank"] = i
    return out


def categories(node, start, end) -> dict:
    from wenming.demands.models import Demand
    from wenming.orders.models import Order

    s, e = summary._local_midnight(start), summary._local_midnight(end)
    orders = (Order.objects.filter(path__startswith=node.path, submitted_at__gte=s, submitted_at__lt=e)
              .values(name=Coalesce("service_item__category__name", "service_item__name"))
              .annotate(n=Count("pk")).order_by("-n", "name"))
    demands = (Demand.objects.filter(path__startswith=node.path, collected_at__gte=s, collected_at__lt=e)
               .exclude(status="rejected")
               .values(name=Coalesce("category__parent__name", "category__name"))
               .annotate(n=Count("pk")).order_by("-n", "name"))
    return {"orders": [{"name": r["name"], "count": r["n"]} for r in orders],
            "demands": [{"name": r["name"], "count": r["n"]} for r in demands]}


def waiting_longest(node, limit=10) -> dict:
    from wenming.demands.choices import OPEN_STATUSES
    from wenming.demands.models import Demand
    from wenming.orders.models import Order

    now = timezone.now()
    orders = (Order.objects.filter(path__startswith=node.path, status__in=OPEN_ORDER)
              .select_related("service_item", "station").order_by("submitted_at", "pk")[:limit])
    demands = (Demand.objects.filter(path__startswith=node.path, status__in=list(OPEN_STATUSES))
               .select_related("category", "node").order_by("collected_at", "pk")[:limit])
    return {
        "orders": [{"id": o.pk, "number": o.number, "title": o.service_item.name, "place": o.station.name,
                    "status": o.get_status_display(), "since": o.submitted_at.isoformat(),
                    "days": (now - o.submitted_at).days, "overdue": o.is_overdue} for o in orders],
        "demands": [{"id": d.pk, "number": d.number, "title": d.category.name, "place": d.node.name,
                     "status": d.get_status_display(), "since": d.collected_at.isoformat(),
                     "days": (now - d.collected_at).days, "overdue": d.is_overdue} for d in demands],
    }


def station_map(node) -> dict:
    from wenming.orders.models import Order
    from wenming.regions.models import Station

    open_by_station = dict(Order.objects.filter(path__startswith=node.path, status__in=OPEN_ORDER)
                           .values_list("station_id").annotate(n=Count("pk")).order_by())
    points = []
    for st in Station.objects.filter(node__path__startswith=node.path).select_related("node"):
        lat = st.latitude if st.latitude is not None else st.node.latitude
        lon = st.longitude if st.longitude is not None else st.node.longitude
        if lat is None or lon is None:
            continue
        points.append({"id": st.pk, "name": st.name, "kind": st.kind, "lat": float(lat), "lon": float(lon),
                       "open_orders": open_by_station.get(st.pk, 0)})
    return {"stations": points}


def dashboard_data(node, start, end, *, use_summary=True) -> dict:
    return {
        "node": {"id": node.pk, "name": node.name, "kind": node.kind},
        "start": start.isoformat(), "end": (end - dt.timedelta(days=1)).isoformat(),
        "summary_through": (summary.covered_through() or None) and summary.covered_through().isoformat(),
        "figures": headline(node, start, end, use_summary=use_summary),
        "trends": trends(node, end, use_summary=use_summary),
        "categories": categories(node, start, end),
        "ranking": town_ranking(node, start, end, use_summary=use_summary),
        "waiting": waiting_longest(node),
        "map": station_map(node),
    }
