"""Reading a figure: whole months from `MonthlyStat`, the edge days from `DailyStat`, the days
after the summary straight from the records."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Sum

from wenming.dashboard.models import DailyStat, MonthlyStat
from wenming.dashboard.summary.definitions import (
    METRICS,
    Metric,
    _as_date,
    _day_expr,
    _filtered,
    _level,
    _month_expr,
    _pinned,
    _View,
    covered_through,
    month_start,
    next_month,
)


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


