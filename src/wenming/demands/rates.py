"""The rates (响应率, 解决率, 满意率, 办结率, 按时办结率, 退单率, 重办率) and the rankings.

Every figure is defined once in docs/DEMANDS.md and computed here by one function,
`compute_rates`, over plain rows; `unit_rates` (API, pages, other apps) and `rates_table`
(rankings, Excel) both feed it, so a figure is the same wherever it is shown.

The set of records for a period: demands collected (登记) in [start, end), except those not
accepted (不予受理); and the department assignments of those demands. Outcomes are read as
they stand now (`as_of`, default now).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from wenming.demands.choices import AssignmentStatus, DemandStatus
from wenming.demands.models import Assignment, Demand, DemandConfig
from wenming.regions.choices import NodeKind
from wenming.regions.models import Department, Node

RATE_KEYS = ("response_rate", "resolution_rate", "satisfaction_rate", "completion_rate", "on_time_rate",
             "return_rate", "redo_rate")
RATE_LABELS = {
    "response_rate": "响应率", "resolution_rate": "解决率", "satisfaction_rate": "满意率",
    "completion_rate": "办结率", "on_time_rate": "按时办结率", "return_rate": "退单率", "redo_rate": "重办率",
}
# a lead that is no longer in play does not own the demand's outcome
_GONE = (AssignmentStatus.RETURNED, AssignmentStatus.WITHDRAWN)


def _ratio(num, den) -> float | None:
    if not den:
        return None
    return round(float(Decimal(num) / Decimal(den)), 4)


def points_of(final_by_level: dict, weights: dict) -> Decimal:
    """Satisfaction points: each final callback scores its level's weight (configurable)."""
    return sum((Decimal(weights[level]) * n for level, n in final_by_level.items()), Decimal(0))


def count_rows(demands: list[dict], assignments: list[dict], *, as_of) -> dict:
    """The counts behind the rates, from raw rows. `demands`: dicts with status, resolved,
    level and weight (of the final callback's satisfaction level, or None), closed_at,
    callback_at, reopen_count. `assignments`: dicts with is_lead, status, mis_dispatch,
    sign_due_at, signed_at, reply_due_at, replied_at.

    Every count but `open_overdue` (which depends on `as_of`) only changes when a record
    does, and adds up over disjoint sets of demands: the dashboard keeps them per day."""
    final = [d for d in demands if d["closed_at"] is not None and d["weight"] is not None]
    by_level: dict = defaultdict(int)
    for d in final:
        by_level[d["level"]] += 1
    weights = {d["level"]: d["weight"] for d in final}
    counted = [a for a in assignments if not a["mis_dispatch"]]
    leads = [a for a in assignments if a["is_lead"] and a["status"] not in _GONE]
    replied = [a for a in leads if a["replied_at"] is not None]
    return {
        "collected": len(demands),
        "assigned": len(assignments),
        "assigned_counted": len(counted),
        "responded_in_time": sum(1 for a in counted if a["signed_at"] is not None
                                 and a["signed_at"] <= a["sign_due_at"]),
        "called_back": sum(1 for d in demands if d["callback_at"] is not None),
        "final_callbacks": len(final),
        "final_resolved": sum(1 for d in final if d["resolved"]),
        "final_by_level": dict(by_level),
        "resolved": sum(1 for d in demands if d["resolved"]),
        "satisfaction_points": float(points_of(by_level, weights)),
        "replied": len(replied),
        "replied_on_time": sum(1 for a in replied if a["replied_at"] <= a["reply_due_at"]),
        "open_overdue": sum(1 for a in leads if a["replied_at"] is None and a["status"] != AssignmentStatus.DONE
                            and a["reply_due_at"] < as_of),
        "returned": sum(1 for a in assignments if a["status"] == AssignmentStatus.RETURNED),
        "redone": sum(1 for d in demands if d["reopen_count"]),
    }


def rates_from_counts(c: dict) -> dict:
    """The seven rates from the counts of `count_rows` (or sums of them over days)."""
    return {
        "response_rate": _ratio(c["responded_in_time"], c["assigned_counted"]),
        "resolution_rate": _ratio(c["final_resolved"], c["final_callbacks"]),
        "satisfaction_rate": _ratio(Decimal(str(c["satisfaction_points"])), c["final_callbacks"]),
        "completion_rate": _ratio(c["resolved"], c["collected"]),
        "on_time_rate": _ratio(c["replied_on_time"], c["replied"] + c["open_overdue"]),
        "return_rate": _ratio(c["returned"], c["assigned"]),
        "redo_rate": _ratio(c["redone"], c["called_back"]),
        "counts": c,
    }


def compute_rates(demands: list[dict], assignments: list[dict], *, as_of) -> dict:
    """The figures from raw rows (see `count_rows` for the rows)."""
    return rates_from_counts(count_rows(demands, assignments, as_of=as_of))


def _demand_rows(start, end, *, node_path: str | None = None, lead_department_id: int | None = None):
    lead = Assignment.objects.filter(demand=OuterRef("pk"), is_lead=True).exclude(status__in=_GONE).order_by("-id")
    qs = (Demand.objects.filter(collected_at__gte=start, collected_at__lt=end).exclude(status=DemandStatus.REJECTED)
          .annotate(lead_department=Subquery(lead.values("department_id")[:1])))
    if node_path is not None:
        qs = qs.filter(path__startswith=node_path)
    if lead_department_id is not None:
        qs = qs.filter(lead_department=lead_department_id)
    return list(qs.values("id", "path", "collected_at", "status", "resolved", "closed_at", "callback_at",
                          "reopen_count", "lead_department", level=F("satisfaction_id"), weight=F("satisfaction__weight")))


def _assignment_rows(start, end, *, node_path: str | None = None, department_id: int | None = None):
    qs = _period_assignments(start, end, node_path=node_path, department_id=department_id)
    return list(qs.values("department_id", "is_lead", "status", "mis_dispatch", "sign_due_at", "signed_at",
                          "reply_due_at", "replied_at", path=F("demand__path"),
                          collected_at=F("demand__collected_at")))


def _period_assignments(start, end, *, node_path: str | None = None, department_id: int | None = None):
    qs = Assignment.objects.filter(demand__collected_at__gte=start, demand__collected_at__lt=end).exclude(
        demand__status=DemandStatus.REJECTED)
    if node_path is not None:
        # a district's own path holds all its demands: its id is the cheaper test
        qs = (qs.filter(demand__district_id=int(node_path.split("/")[1])) if node_path.count("/") == 2
              else qs.filter(demand__path__startswith=node_path))
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    return qs


# the statuses of a lead still in play that has not finished (see `count_rows`)
_OPEN_LEAD = [s for s in AssignmentStatus.values if s not in (*_GONE, AssignmentStatus.DONE)]


def open_overdue_count(start, end, *, as_of, node_path: str | None = None, department_id: int | None = None) -> int:
    """`open_overdue` of `count_rows`, counted by the database: lead assignments still in play,
    not done and not replied to, past their reply deadline at `as_of`. The dashboard asks for it
    on every view; reading every open lead's row to count them in Python cost more than the
    rest of the rates together. A test holds the two forms to the same answer."""
    return (_period_assignments(start, end, node_path=node_path, department_id=department_id)
            .filter(is_lead=True, status__in=_OPEN_LEAD, replied_at__isnull=True, reply_due_at__lt=as_of)
            .count())


def unit_rates(*, department_id: int | None = None, node_id: int | None = None, start, end, as_of=None) -> dict:
    """The rates of one unit for [start, end): a department (the demands it leads, the assignments
    it was sent), a town/community (the demands in its subtree and their assignments), or the
    whole set when neither is given. Stable: the assessment app calls it.

    Returns the seven rates (fractions 0–1 rounded to 4 places, None when nothing to count)
    and the raw counts under "counts".
    """
    start, end = _aware(start), _aware(end)
    as_of = as_of or timezone.now()
    path = None
    if node_id is not None:
        path = Node.objects.values_list("path", flat=True).get(pk=node_id)
    demands = _demand_rows(start, end, node_path=path, lead_department_id=department_id)
    assignments = _assignment_rows(start, end, node_path=path, department_id=department_id)
    return compute_rates(demands, assignments, as_of=as_of)


def _aware(value):
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """'2026-11' → the month's first moment and the next month's, Beijing time."""
    year, mon = (int(x) for x in month.split("-"))
    start = dt.date(year, mon, 1)
    end = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return _aware(start), _aware(end)


def previous_month(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year - (mon == 1)}-{(mon - 2) % 12 + 1:02d}"


GROUPS = {"department": "部门", "town": "乡镇/街道", "village": "村/社区"}


@dataclass
class Row:
    unit_id: int
    name: str
    rates: dict
    score: float | None
    rank: int | None = None
    previous_rank: int | None = None

    @property
    def trend(self) -> str:
        if self.rank is None or self.previous_rank is None:
            return "new"
        return "up" if self.rank < self.previous_rank else "down" if self.rank > self.previous_rank else "same"


def score_of(rates: dict, cfg: DemandConfig) -> float | None:
    """Weighted sum of the three rates × 100; a rate with nothing to count drops out and the
    remaining weights are scaled up to 1."""
    weights = {"response_rate": cfg.weight_response, "resolution_rate": cfg.weight_resolution,
               "satisfaction_rate": cfg.weight_satisfaction}
    used = {k: Decimal(w) for k, w in weights.items() if rates[k] is not None and w}
    total = sum(used.values(), Decimal(0))
    if not total:
        return None
    return round(float(sum(Decimal(str(rates[k])) * w for k, w in used.items()) / total * 100), 2)


def _units(group: str, district_id: int | None):
    if group == "department":
        qs = Department.objects.all()
        if district_id:
            qs = qs.filter(node_id=district_id)
        return [(d.pk, d.name, None) for d in qs.order_by("name")]
    kind = NodeKind.TOWN if group == "town" else NodeKind.VILLAGE
    qs = Node.objects.filter(kind=kind)
    if district_id:
        qs = qs.filter(district_id=district_id)
    return [(n.pk, n.name, n.path) for n in qs.order_by("path")]


def rates_table(*, group: str, start, end, as_of=None, district_id: int | None = None,
                cfg: DemandConfig | None = None) -> list[Row]:
    """Every unit of a peer group with its rates and score, ranked (units below the minimum
    number of demands are listed without a rank)."""
    cfg = cfg or DemandConfig.current()
    start, end = _aware(start), _aware(end)
    as_of = as_of or timezone.now()
    demands = _demand_rows(start, end)
    assignments = _assignment_rows(start, end)
    units = _units(group, district_id)
    d_by, a_by = defaultdict(list), defaultdict(list)
    if group == "department":
        for d in demands:
            d_by[d["lead_department"]].append(d)
        for a in assignments:
            a_by[a["department_id"]].append(a)
    else:
        depth = 1 if group == "town" else 2
        for d in demands:
            d_by[_prefix(d["path"], depth)].append(d)
        for a in assignments:
            a_by[_prefix(a["path"], depth)].append(a)
    rows = []
    for pk, name, path in units:
        key = pk if group == "department" else path
        rates = compute_rates(d_by.get(key, []), a_by.get(key, []), as_of=as_of)
        eligible = rates["counts"]["collected"] + rates["counts"]["assigned"] >= cfg.min_demands
        rows.append(Row(unit_id=pk, name=name, rates=rates, score=score_of(rates, cfg) if eligible else None))
    ranked = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, r.name))
    for r in ranked:  # ties share a rank (1, 2, 2, 4)
        r.rank = 1 + sum(1 for other in ranked if other.score > r.score)
    # ranked first; then units with too few records to rank; units with nothing at all last
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0,
                                       not (r.rates["counts"]["collected"] or r.rates["counts"]["assigned"]), r.name))


def _prefix(path: str, depth: int) -> str | None:
    parts = path.strip("/").split("/")
    if len(parts) <= depth:
        return None
    return "/" + "/".join(parts[: depth + 1]) + "/"


def monthly_ranking(*, group: str, month: str, district_id: int | None = None, as_of=None) -> dict:
    """The month's ranking with trend arrows against the month before, and red/black lists."""
    cfg = DemandConfig.current()
    start, end = month_bounds(month)
    rows = rates_table(group=group, start=start, end=end, as_of=as_of, district_id=district_id, cfg=cfg)
    p_start, p_end = month_bounds(previous_month(month))
    before = {r.unit_id: r.rank for r in rates_table(group=group, start=p_start, end=p_end, as_of=as_of,
                                                      district_id=district_id, cfg=cfg)}
    for r in rows:
        r.previous_rank = before.get(r.unit_id)
    return {"month": month, "group": group, "rows": rows, **_lists(rows, cfg), "config": cfg}


def period_ranking(*, group: str, start: dt.date, end: dt.date, district_id: int | None = None,
                   as_of=None) -> dict:
    """The same table for any period [start, end) (no trend: there is no "month before")."""
    cfg = DemandConfig.current()
    rows = rates_table(group=group, start=start, end=end, as_of=as_of, district_id=district_id, cfg=cfg)
    label = f"{start:%Y-%m-%d}至{end - dt.timedelta(days=1):%Y-%m-%d}"
    return {"month": label, "group": group, "rows": rows, **_lists(rows, cfg), "config": cfg}


def _lists(rows: list[Row], cfg: DemandConfig) -> dict:
    ranked = [r for r in rows if r.rank is not None]
    n = min(cfg.list_size, len(ranked) // 2)
    # ties share a place: everyone ranked within the top N is on the red list, and nobody who
    # ties with a red-listed unit can be on the black list
    red = [r for r in ranked if r.rank <= n]
    floor = min((r.score for r in red), default=None)
    black = [r for r in reversed(ranked) if r not in red and (floor is None or r.score < floor)][:n]
    return {"red": red, "black": black}


def score_trend(*, group: str, month: str, district_id: int | None = None, months: int = 6, as_of=None,
                highlight: list | None = None) -> dict:
    """Each unit's monthly score (and rank) over the `months` months ending with `month`, for the
    trend chart. Units without a score in any of those months are left out; `shown` lists the
    units the chart draws at first (the red and black lists, else the first five)."""
    cfg = DemandConfig.current()
    labels = [month]
    for _ in range(months - 1):
        labels.insert(0, previous_month(labels[0]))
    by_unit: dict = {}
    for i, m in enumerate(labels):
        start, end = month_bounds(m)
        for r in rates_table(group=group, start=start, end=end, as_of=as_of, district_id=district_id, cfg=cfg):
            entry = by_unit.setdefault(r.unit_id, {"unit_id": r.unit_id, "name": r.name,
                                                   "scores": [None] * months, "ranks": [None] * months})
            entry["scores"][i], entry["ranks"][i] = r.score, r.rank
    series = [e for e in by_unit.values() if any(x is not None for x in e["scores"])]
    series.sort(key=lambda e: (e["ranks"][-1] is None, e["ranks"][-1] or 0, e["name"]))
    ids = [u for u in (highlight or []) if any(e["unit_id"] == u for e in series)]
    shown = ids or [e["unit_id"] for e in series[:5]]
    return {"months": labels, "series": series, "shown": shown}


def ranking_workbook(ranking: dict):
    """The ranking as an Excel workbook (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{ranking['month']}{GROUPS[ranking['group']]}排名".replace("/", "、")
    head = ["排名", "单位", "得分", *[RATE_LABELS[k] for k in RATE_KEYS], "诉求数", "派单数", "上月排名", "趋势"]
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    arrows = {"up": "↑", "down": "↓", "same": "→", "new": "—"}
    for r in ranking["rows"]:
        ws.append([r.rank, r.name, r.score, *[None if r.rates[k] is None else round(r.rates[k] * 100, 2)
                                               for k in RATE_KEYS],
                   r.rates["counts"]["collected"], r.rates["counts"]["assigned"], r.previous_rank, arrows[r.trend]])
    ws.column_dimensions["B"].width = 28
    return wb
