"""All the data of one dashboard view (scope + period): what the API returns and the page draws."""

import collections
import datetime as dt
from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from wenming.core.errors import InvalidInput
from wenming.dashboard import summary
from wenming.dashboard.figures import headline
from wenming.dashboard.summary import METRICS, TZ
from wenming.demands.choices import OWING_ASSIGNMENT

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


def town_ranking(node, start, end, *, use_summary=True) -> list[dict]:
    """The children of the node (towns of a district, villages of a town), by orders solved."""
    from wenming.regions.models import Node

    children = list(Node.objects.filter(parent=node).order_by("pk"))
    rows = {c.path: {"node": c.pk, "name": c.name, "orders_solved": 0, "demands_collected": 0,
                     "service_hours": 0.0, "activities_held": 0} for c in children}
    codes = ["orders_solved", "demands_collected", "service_hours", "activities_held"]
    by_child = summary.sums(codes, node.path, start, end, by="child", use_summary=use_summary)
    for code in codes:
        for path, value in by_child[code].items():
            if path in rows:
                rows[path][code] += float(value) if code == "service_hours" else int(value)
    out = sorted(rows.values(), key=lambda r: (-r["orders_solved"], -r["demands_collected"], r["node"]))
    for i, r in enumerate(out, 1):
        r["rank"] = i
    return out


def categories(node, start, end, *, use_summary=True) -> dict:
    """Orders placed by service category and demands collected by top-level demand category."""
    by_dim = summary.sums(["orders_placed", "demands_collected"], node.path, start, end, by="dim",
                          use_summary=use_summary)

    def listed(code):
        items = [(name, int(n)) for name, n in by_dim[code].items() if n]
        return [{"name": name, "count": n} for name, n in sorted(items, key=lambda x: (-x[1], x[0]))]

    return {"orders": listed("orders_placed"), "demands": listed("demands_collected")}


def _in(node, path_field: str = "path") -> dict:
    """Records of the node's subtree: a district by its id (every record carries it), a place by path."""
    if node.kind == "district":
        return {"district_id": node.pk}
    return {f"{path_field}__startswith": node.path}


def _oldest_first(field: str):
    """Order by `field` as an expression, not the column: SQLite then sorts the few open records
    instead of walking the date index from the first record ever (250 ms at five years)."""
    return Coalesce(F(field), F(field)).asc()


def waiting_longest(node, limit=10) -> dict:
    from wenming.demands.choices import OPEN_STATUSES
    from wenming.demands.models import Demand
    from wenming.orders.models import Order

    now = timezone.now()

    # the ids first, from the open records alone; joined to their names only then (with the
    # joins in the same query SQLite starts from the category table and reads every demand)
    def oldest(model, date_field, statuses):
        return list(model.objects.filter(**_in(node), status__in=list(statuses))
                    .order_by(_oldest_first(date_field), "pk").values_list("pk", flat=True)[:limit])

    orders = (Order.objects.filter(pk__in=oldest(Order, "submitted_at", OPEN_ORDER))
              .select_related("service_item", "station").order_by("submitted_at", "pk")
              .only("number", "status", "submitted_at", "is_overdue", "service_item__name", "station__name"))
    demands = (Demand.objects.filter(pk__in=oldest(Demand, "collected_at", OPEN_STATUSES))
               .select_related("category", "node").order_by("collected_at", "pk")
               .only("number", "status", "collected_at", "is_overdue", "category__name", "node__name"))
    return {
        "orders": [{"id": o.pk, "number": o.number, "title": o.service_item.name, "place": o.station.name,
                    "status": o.get_status_display(), "since": o.submitted_at.isoformat(),
                    "days": (now - o.submitted_at).days, "overdue": o.is_overdue} for o in orders],
        "demands": [{"id": d.pk, "number": d.number, "title": d.category.name, "place": d.node.name,
                     "status": d.get_status_display(), "since": d.collected_at.isoformat(),
                     "days": (now - d.collected_at).days, "overdue": d.is_overdue} for d in demands],
    }


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull of the points, counter-clockwise (monotone chain)."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def station_map(node) -> dict:
    """Stations with their open orders, open demands per place, and an outline of each child
    region: its stored boundary, else the hull of its stations' coordinates."""
    from wenming.orders.models import Order
    from wenming.regions.models import Station

    # counted here: a GROUP BY sends SQLite down the station index over every order
    open_by_station = collections.Counter(Order.objects.filter(**_in(node), status__in=OPEN_ORDER)
                                          .values_list("station_id", flat=True).order_by())
    points, by_child = [], {}
    stations = (Station.objects.filter(node__path__startswith=node.path).order_by("pk")
                .values("pk", "name", "kind", "latitude", "longitude", "node__latitude", "node__longitude",
                        "node__path"))
    for st in stations:
        lat = st["latitude"] if st["latitude"] is not None else st["node__latitude"]
        lon = st["longitude"] if st["longitude"] is not None else st["node__longitude"]
        if lat is None or lon is None:
            continue
        points.append({"id": st["pk"], "name": st["name"], "kind": st["kind"], "lat": float(lat), "lon": float(lon),
                       "open_orders": open_by_station.get(st["pk"], 0)})
        head = st["node__path"][len(node.path):].split("/")[0]
        if head:
            by_child.setdefault(int(head), []).append((round(float(lon), 6), round(float(lat), 6)))
    return {"stations": points, "outlines": _outlines(node, by_child), "demands": _open_demands_by_place(node)}


def _outlines(node, stations_by_child: dict) -> list[dict]:
    """Each child region's stored boundary (区域边界) where it has one, else the hull of its
    stations' coordinates; `source` says which."""
    from wenming.regions.models import Node, RegionOutline
    from wenming.regions.outlines import exterior_rings

    children = dict(Node.objects.filter(parent=node).values_list("pk", "name"))
    stored = dict(RegionOutline.objects.filter(node_id__in=children).values_list("node_id", "geometry"))
    out = []
    for pk in sorted(children):
        if pk in stored:
            out += [{"name": children[pk], "points": ring, "source": "stored"} for ring in exterior_rings(stored[pk])]
        elif len(set(stations_by_child.get(pk, []))) >= 3:
            out.append({"name": children[pk], "points": [list(p) for p in _hull(stations_by_child[pk])],
                        "source": "hull"})
    return out


def _open_demands_by_place(node) -> list[dict]:
    """Open demands per village/community, at the place's stored coordinates."""
    from wenming.demands.choices import OPEN_STATUSES
    from wenming.demands.models import Demand
    from wenming.regions.models import Node

    # counted here, not grouped in SQL: a GROUP BY sends SQLite down the node index over every demand
    counts = collections.Counter(Demand.objects.filter(**_in(node), status__in=list(OPEN_STATUSES))
                                 .values_list("node_id", flat=True).order_by())
    # the subtree's places rather than a long IN list of ids: cheaper to send and to plan
    places = (Node.objects.filter(path__startswith=node.path, latitude__isnull=False, longitude__isnull=False)
              .values_list("pk", "name", "latitude", "longitude").order_by("pk"))
    return [{"node": pk, "name": name, "lat": float(lat), "lon": float(lon), "open_demands": counts[pk]}
            for pk, name, lat, lon in places if pk in counts]


def department_trends(dept, end: dt.date, *, use_summary=True) -> dict:
    """The department's demands led and resolved, and assignments received, per month (12 months)."""
    from wenming.dashboard.demand_rates import monthly_counts

    last = min(end - dt.timedelta(days=1), today())
    first = _add_months(dt.date(last.year, last.month, 1), -11)
    months = [_add_months(first, i) for i in range(12)]
    keys = {"collected": "牵头诉求", "resolved": "已解决", "assigned": "收到派单"}
    by_month = monthly_counts(dept.node.path, first, _add_months(months[-1], 1), department_id=dept.pk,
                              keys=list(keys), use_summary=use_summary)
    return {"months": [m.strftime("%Y-%m") for m in months],
            "series": {k: [by_month[k].get(m, 0) for m in months] for k in keys}, "names": keys}


def department_waiting(dept, limit=10) -> list[dict]:
    """The department's open assignments, the longest waiting first."""
    from wenming.demands.models import Assignment

    now = timezone.now()
    open_ = (Assignment.objects.filter(department=dept, status__in=OWING_ASSIGNMENT)
             .select_related("demand", "demand__category", "demand__node").order_by("assigned_at", "pk")[:limit])
    return [{"id": a.demand_id, "number": a.demand.number, "title": a.demand.category.name,
             "place": a.demand.node.name, "status": a.get_status_display(), "lead": a.is_lead,
             "since": a.assigned_at.isoformat(), "days": (now - a.assigned_at).days,
             "overdue": a.reply_due_at < now} for a in open_]


def department_data(dept, start, end, *, use_summary=True) -> dict:
    with summary.pinned():
        return _department_data(dept, start, end, use_summary=use_summary)


def _department_data(dept, start, end, *, use_summary=True) -> dict:
    from wenming.dashboard.figures import department_headline

    figures, _ = department_headline(dept, start, end, use_summary=use_summary)
    return {
        "department": {"id": dept.pk, "name": dept.name},
        "node": {"id": dept.node_id, "name": dept.node.name, "kind": dept.node.kind},
        "start": start.isoformat(), "end": (end - dt.timedelta(days=1)).isoformat(),
        "summary_through": (summary.covered_through() or None) and summary.covered_through().isoformat(),
        "figures": figures,
        "trends": department_trends(dept, end, use_summary=use_summary),
        "waiting": {"demands": department_waiting(dept)},
    }


def dashboard_data(node, start, end, *, use_summary=True) -> dict:
    with summary.pinned():
        return _dashboard_data(node, start, end, use_summary=use_summary)


def _dashboard_data(node, start, end, *, use_summary=True) -> dict:
    return {
        "node": {"id": node.pk, "name": node.name, "kind": node.kind},
        "start": start.isoformat(), "end": (end - dt.timedelta(days=1)).isoformat(),
        "summary_through": (summary.covered_through() or None) and summary.covered_through().isoformat(),
        "figures": headline(node, start, end, use_summary=use_summary),
        "trends": trends(node, end, use_summary=use_summary),
        "categories": categories(node, start, end, use_summary=use_summary),
        "ranking": town_ranking(node, start, end, use_summary=use_summary),
        "waiting": waiting_longest(node),
        "map": station_map(node),
    }
