"""Scores and rankings (季考评; also the monthly bulletin's ranking). Every figure is defined
in docs/ASSESSMENT.md; each component is 0-100 or None ("no data"), and the composite is the
weighted mean of the components that have data (weights re-normalised over them)."""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from openpyxl import Workbook

from wenming.assessment.choices import CARD_IN_FORCE, CardColor, ProblemStatus, TaskStatus, UnitKind
from wenming.assessment.models import Card, EvaluationWeights, MaterialTask, Problem, Unit
from wenming.assessment.periods import month_bounds, previous_quarter, quarter_periods
from wenming.orders.choices import DONE_STATUSES

COMPONENTS = ("materials", "inspections", "rectification", "cards", "demands", "orders")
COMPONENT_LABEL = {"materials": "网报资料", "inspections": "督查问题", "rectification": "整改完成", "cards": "红黄牌",
                   "demands": "诉求办理", "orders": "点单服务"}
PROBLEM_PENALTY = 5      # points off the inspection score per problem found
YELLOW_PENALTY = 10      # points off the card score per yellow card in force
RED_PENALTY = 30         # … per red card in force


@dataclass
class UnitScore:
    unit: Unit
    components: dict = field(default_factory=dict)
    total: float | None = None
    rank: int | None = None
    previous_rank: int | None = None

    @property
    def change(self) -> int | None:
        """Places gained since last time (positive = moved up); None when unranked before."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def weights_for(district_id: int) -> dict[str, int]:
    row, _ = EvaluationWeights.objects.get_or_create(district_id=district_id)
    return {c: getattr(row, c) for c in COMPONENTS}


def _demand_rates(unit: Unit, start, end):
    """Demand rates from the demands app when it is installed; None means no data."""
    try:
        from wenming.demands.selectors import unit_rates
    except ImportError:
        return None
    try:
        if unit.kind == UnitKind.DEPARTMENT:
            rates = unit_rates(department_id=unit.department_id, start=start, end=end)
        else:
            rates = unit_rates(node_id=unit.node_id, start=start, end=end)
    except Exception:  # another module's fault must not break the ranking
        return None
    values = [rates.get(k) for k in ("response_rate", "resolution_rate", "satisfaction_rate")]
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values) * 100, 2) if values else None


def order_rates(*, node_path: str, start, end) -> dict:
    """Read-only order figures for a town's subtree: completion and rating, over orders placed in [start, end)."""
    from wenming.orders.choices import OrderStatus
    from wenming.orders.models import Order

    qs = Order.objects.filter(path__startswith=node_path, submitted_at__gte=start, submitted_at__lt=end).exclude(
        status__in=[OrderStatus.CANCELLED, OrderStatus.REJECTED])
    agg = qs.aggregate(total=Count("id"), done=Count("id", filter=Q(status__in=DONE_STATUSES)))
    if not agg["total"]:
        return {"completion_rate": None, "orders": 0}
    return {"completion_rate": round(agg["done"] / agg["total"], 4), "orders": agg["total"]}


def _components(unit: Unit, periods: list[str], *, with_others: bool = True) -> dict:
    start, end = month_bounds(periods[0])[0], month_bounds(periods[-1])[1]
    tasks = MaterialTask.objects.filter(unit=unit, period__in=periods)
    agg = tasks.aggregate(points=Sum("indicator__points"),
                          got=Sum("score", filter=Q(status=TaskStatus.APPROVED)), n=Count("id"))
    out = {}
    out["materials"] = (round(float((agg["got"] or Decimal(0)) / agg["points"] * 100), 2)
                        if agg["n"] and agg["points"] else None)
    problems = Problem.objects.filter(unit=unit, found_at__gte=start, found_at__lt=end)
    found = problems.count()
    out["inspections"] = float(max(0, 100 - PROBLEM_PENALTY * found))
    closed = problems.filter(status=ProblemStatus.CLOSED).count()
    out["rectification"] = round(closed / found * 100, 2) if found else 100.0
    cards = Card.objects.filter(unit=unit, period__in=periods, status__in=CARD_IN_FORCE)
    yellow = cards.filter(color=CardColor.YELLOW).count()
    red = cards.filter(color=CardColor.RED).count()
    out["cards"] = float(max(0, 100 - YELLOW_PENALTY * yellow - RED_PENALTY * red))
    out["demands"] = _demand_rates(unit, start, end) if with_others else None
    if with_others and unit.kind == UnitKind.TOWN:
        rate = order_rates(node_path=unit.path, start=start, end=end)["completion_rate"]
        out["orders"] = round(rate * 100, 2) if rate is not None else None
    else:
        out["orders"] = None
    out["tasks"] = agg["n"]
    out["problems_found"], out["problems_closed"], out["yellow"], out["red"] = found, closed, yellow, red
    return out


def composite(components: dict, weights: dict) -> float | None:
    used = {c: w for c, w in weights.items() if w and components.get(c) is not None}
    total = sum(used.values())
    if not total:
        return None
    return round(sum(components[c] * w for c, w in used.items()) / total, 2)


def rank_units(*, district_id: int, periods: list[str], previous: list[str] | None = None,
               with_others: bool = True) -> list[UnitScore]:
    weights = weights_for(district_id)
    units = list(Unit.objects.filter(district_id=district_id, is_active=True).order_by("kind", "name"))

    def scored(ps):
        rows = []
        for unit in units:
            comps = _components(unit, ps, with_others=with_others)
            # a unit with no material task in the period took no part in it: listed, not ranked
            total = composite(comps, weights) if comps["tasks"] else None
            rows.append(UnitScore(unit=unit, components=comps, total=total))
        ranked = sorted((r for r in rows if r.total is not None), key=lambda r: (-r.total, r.unit.name))
        for i, r in enumerate(ranked):
            # equal totals share a rank
            r.rank = ranked[i - 1].rank if i and ranked[i - 1].total == r.total else i + 1
        return rows

    current = scored(periods)
    if previous:
        before = {r.unit.pk: r.rank for r in scored(previous)}
        for r in current:
            r.previous_rank = before.get(r.unit.pk)
    return sorted(current, key=lambda r: (r.rank is None, r.rank or 0, r.unit.name))


def quarter_ranking(*, district_id: int, quarter: str) -> list[UnitScore]:
    return rank_units(district_id=district_id, periods=quarter_periods(quarter),
                      previous=quarter_periods(previous_quarter(quarter)))


def ranking_export(*, rows: list[UnitScore], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "考评排名"
    sheet.append([title])
    sheet.append(["名次", "单位", "综合得分", *[COMPONENT_LABEL[c] for c in COMPONENTS], "名次变化"])
    for r in rows:
        change = r.change
        sheet.append([r.rank, r.unit.name, r.total, *[r.components.get(c) for c in COMPONENTS],
                      "—" if change is None else (f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "持平")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
