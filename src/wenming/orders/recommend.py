"""Ranking teams for assignment (指派推荐): category, distance, open load and past ratings."""

import math
from dataclasses import dataclass, field

from wenming.orders.models import Order
from wenming.orders.selectors import team_average_score, team_open_load
from wenming.orders.services import eligible_teams
from wenming.volunteers.models import Team

# Weights of the three graded factors; category match is a requirement, not a weight.
WEIGHTS = {"distance": 0.4, "load": 0.3, "rating": 0.3}
NEUTRAL_RATING = 4.0   # a team nobody has rated yet counts as average, neither first nor last
DISTANCE_SCALE_KM = 15.0


@dataclass
class Candidate:
    team: Team
    score: float
    distance_km: float | None
    open_orders: int
    average_score: float | None
    rated_orders: int
    reasons: list[str] = field(default_factory=list)


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (lat1, lon1, lat2, lon2)))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _order_point(order: Order):
    if order.latitude is not None and order.longitude is not None:
        return order.latitude, order.longitude
    if order.station.latitude is not None and order.station.longitude is not None:
        return order.station.latitude, order.station.longitude
    return None


def team_recommend(*, order: Order, actor, limit: int = 5) -> list[Candidate]:
    teams = list(eligible_teams(order=order, actor=actor).exclude(pk=order.team_id or 0))
    ids = [t.pk for t in teams]
    loads = team_open_load(ids)
    ratings = team_average_score(ids)
    point = _order_point(order)
    out = []
    for team in teams:
        reasons = [f"提供「{order.service_item.category.name}」类服务"]
        distance = None
        distance_part = 0.5
        if point and team.latitude is not None and team.longitude is not None:
            distance = haversine_km(point[0], point[1], team.latitude, team.longitude)
            distance_part = max(0.0, 1 - distance / DISTANCE_SCALE_KM)
            reasons.append(f"距离约 {distance:.1f} 公里")
        else:
            reasons.append("位置未知")
        if team.station_id == order.station_id:
            reasons.append("本站队伍")
        load = loads.get(team.pk, 0)
        load_part = max(0.0, 1 - load / team.capacity)
        reasons.append(f"在办 {load}/{team.capacity} 单" + ("（已满）" if load >= team.capacity else ""))
        avg, n = ratings.get(team.pk, (None, 0))
        rating_part = ((avg if avg is not None else NEUTRAL_RATING) - 1) / 4
        reasons.append(f"平均评分 {avg:.1f}（{n} 单）" if avg is not None else "暂无评价")
        score = (WEIGHTS["distance"] * distance_part + WEIGHTS["load"] * load_part
                 + WEIGHTS["rating"] * rating_part)
        out.append(Candidate(team=team, score=round(score * 100, 1), distance_km=distance, open_orders=load,
                             average_score=avg, rated_orders=n, reasons=reasons))
    out.sort(key=lambda c: (-c.score, c.open_orders, c.team.pk))
    return out[:limit]
