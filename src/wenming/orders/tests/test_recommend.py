"""Assignment recommendations (指派推荐): which teams, in what order, and why."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from wenming.orders.models import Order, ServiceItem
from wenming.orders.recommend import team_recommend
from wenming.volunteers.models import ServiceCategory
from wenming.volunteers.services import team_create

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def culture(world):
    """A category of its own, so only the teams a test creates can serve it."""
    world.cat_culture = ServiceCategory.objects.create(name="文化文艺", sort=3)
    world.item_culture = ServiceItem.objects.create(name="文艺演出", category=world.cat_culture)
    return world


def _team(w, name, *, station=None, lat="31.871", lon="106.751", categories=None, capacity=5):
    return team_create(name=name, station=station or w.station_a, categories=categories or [w.cat_culture],
                       latitude=Decimal(lat), longitude=Decimal(lon), capacity=capacity)


def _order(flow, item):
    oid = flow.place(item=item)
    return Order.objects.select_related("station", "service_item__category").get(pk=oid)


def _load(w, team, n, status="accepted", **fields):
    """`n` orders already in the team's hands."""
    now = timezone.now()
    for _ in range(n):
        Order.objects.create(district=w.district, station=w.station_a, path=w.village_a.path,
                             service_item=w.item_culture, contact_phone="13800001111", address="某处",
                             description="已有订单", status=status, submitted_at=now, team=team, **fields)


def _names(candidates):
    return [c.team.name for c in candidates]


def test_only_teams_serving_the_category_are_recommended(flow, culture):
    w = culture
    _team(w, "文艺队")
    order = _order(flow, w.item_law)  # only `team` offers legal services
    assert _names(team_recommend(order=order, actor=w.center_admin)) == [w.team.name]


def test_nearer_teams_rank_first(flow, culture):
    w = culture
    far = _team(w, "远队", station=w.station_a2, lat="31.95", lon="106.85")
    near = _team(w, "近队", station=w.station_a2, lat="31.872", lon="106.752")
    order = _order(flow, w.item_culture)
    ranked = team_recommend(order=order, actor=w.institute_admin)
    assert _names(ranked) == [near.name, far.name]
    assert ranked[0].distance_km < 1 < ranked[1].distance_km
    assert any(r.startswith("距离约") for r in ranked[0].reasons)


def test_less_loaded_teams_rank_first(flow, culture):
    w = culture
    busy = _team(w, "忙队")
    idle = _team(w, "闲队")
    _load(w, busy, 3)
    order = _order(flow, w.item_culture)
    ranked = team_recommend(order=order, actor=w.institute_admin)
    assert _names(ranked) == [idle.name, busy.name]
    assert (ranked[0].open_orders, ranked[1].open_orders) == (0, 3)
    assert "在办 3/5 单" in ranked[1].reasons


def test_a_full_team_says_so(flow, culture):
    w = culture
    full = _team(w, "满员队", capacity=2)
    _load(w, full, 2, status="dispatched")
    order = _order(flow, w.item_culture)
    (only,) = team_recommend(order=order, actor=w.institute_admin)
    assert "在办 2/2 单（已满）" in only.reasons


def test_better_rated_teams_rank_first_and_default_ratings_do_not_count(flow, culture):
    w = culture
    loved = _team(w, "好评队")
    meh = _team(w, "一般队")
    padded = _team(w, "默认好评队")
    _load(w, loved, 2, status="rated", score=5)
    _load(w, meh, 2, status="rated", score=2)
    _load(w, padded, 2, status="rated", score=5, rated_by_default=True)
    order = _order(flow, w.item_culture)
    ranked = team_recommend(order=order, actor=w.institute_admin)
    assert _names(ranked) == [loved.name, padded.name, meh.name]
    by_name = {c.team.name: c for c in ranked}
    assert "平均评分 5.0（2 单）" in by_name["好评队"].reasons
    assert "平均评分 2.0（2 单）" in by_name["一般队"].reasons
    assert "暂无评价" in by_name["默认好评队"].reasons
    assert by_name["默认好评队"].average_score is None


def test_every_reason_is_in_chinese(flow, culture):
    w = culture
    _team(w, "本站队")
    _team(w, "邻站队", station=w.station_a2)
    order = _order(flow, w.item_culture)
    ranked = team_recommend(order=order, actor=w.institute_admin)
    assert len(ranked) == 2
    for c in ranked:
        assert c.reasons and all(CJK.search(r) for r in c.reasons), c.reasons
        assert "提供「文化文艺」类服务" in c.reasons
    assert "本站队伍" in {c.team.name: c for c in ranked}["本站队"].reasons


@pytest.mark.parametrize("role,expected", [
    ("station_admin", {"本站队"}),
    ("institute_admin", {"本站队", "邻站队"}),
    ("center_admin", {"本站队", "邻站队", "外镇队"}),
])
def test_teams_outside_the_dispatchers_scope_never_appear(flow, culture, role, expected):
    w = culture
    _team(w, "本站队")
    _team(w, "邻站队", station=w.station_a2)
    _team(w, "外镇队", station=w.station_b, lat="31.871", lon="106.751")  # as near as can be, but elsewhere
    order = _order(flow, w.item_culture)
    assert set(_names(team_recommend(order=order, actor=getattr(w, role)))) == expected


def test_the_team_already_holding_the_order_is_not_recommended_again(flow, culture):
    w = culture
    oid = flow.order_in("dispatched")
    order = Order.objects.get(pk=oid)
    names = _names(team_recommend(order=order, actor=w.institute_admin))
    assert w.team.name not in names
    assert w.team_2.name in names


def test_the_recommend_endpoint_is_for_dispatchers_in_scope(flow, culture):
    w = culture
    _team(w, "本站队")
    _team(w, "外镇队", station=w.station_b)
    oid = flow.place(item=w.item_culture)
    url = f"/api/v1/orders/{oid}/recommend/"
    r = flow.api(w.station_admin).get(url)
    assert r.status_code == 200
    (row,) = r.json()
    assert row["team"]["name"] == "本站队"
    assert {"score", "distance_km", "open_orders", "average_score", "reasons"} <= set(row)
    assert flow.api(w.citizen).get(url).status_code == 403
    assert flow.api(w.station_admin_b).get(url).status_code == 404
    assert flow.api(w.team_leader).get(url).status_code == 404
