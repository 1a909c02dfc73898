"""Fixture data for the lifecycle benchmark, made through the project's own services.

Runs inside the bench process after `django.setup()` with the same DATABASE_URL /
WENMING_VAR_DIR the servers get. Names carry a run tag so that a run against an
existing database (--url) never collides with earlier runs.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum

PHONE = "13800138000"
HOURS = Decimal("1.5")          # credited to each volunteer per lifecycle
VOLUNTEERS_PER_TEAM = 3
TEAMS = ("api", "bare", "driver", "probe")  # one team per layer, so hours can be checked per layer
EVENT_KINDS = ["place", "dispatch", "accept", "complete", "rate"]


def build(tag: str) -> dict:
    """District → town → village with a station; a service item; a citizen, a station admin,
    and one team (leader + volunteers) per layer; an API token for every actor."""
    from rest_framework.authtoken.models import Token

    from wenming.orders.models import ServiceItem
    from wenming.regions.choices import NodeKind, Role
    from wenming.regions.services import node_create, station_create, user_create
    from wenming.volunteers.models import ServiceCategory
    from wenming.volunteers.services import team_create, volunteer_create

    district = node_create(name=f"基准区{tag}", kind=NodeKind.DISTRICT, code="511902",
                           latitude=Decimal("31.86"), longitude=Decimal("106.75"))
    town = node_create(name="基准镇", kind=NodeKind.TOWN, parent=district)
    village = node_create(name="基准社区", kind=NodeKind.VILLAGE, parent=town,
                          latitude=Decimal("31.87"), longitude=Decimal("106.76"))
    station = station_create(node=village, name=f"基准社区新时代文明实践站{tag}", address="基准路1号")
    category, _ = ServiceCategory.objects.get_or_create(name="助老助残")
    item = ServiceItem.objects.create(name=f"上门助老{tag}", category=category, description="基准测试服务项目")

    def user(role: str, suffix: str):
        u = user_create(username=f"bench-{tag}-{suffix}", password="Wenming@2026", role=role, node=village,
                        full_name=f"基准{suffix}")
        return {"id": u.pk, "username": u.username, "token": Token.objects.create(user=u).key, "obj": u}

    citizen = user(Role.CITIZEN, "citizen")
    admin = user(Role.STATION_ADMIN, "admin")
    teams = {}
    for n, layer in enumerate(TEAMS):
        leader = user(Role.TEAM_LEADER, f"leader-{layer}")
        vols = [volunteer_create(name=f"{layer}志愿者{i}", phone=f"139{n:02d}{i:06d}", node=village)
                for i in range(VOLUNTEERS_PER_TEAM)]
        team = team_create(name=f"基准队-{layer}-{tag}", station=station, leader=leader["obj"],
                           categories=[category], members=vols)
        leader.pop("obj")
        teams[layer] = {"id": team.pk, "leader": leader, "volunteers": [v.pk for v in vols]}
    citizen.pop("obj")
    admin.pop("obj")
    return {
        "tag": tag, "district_id": district.pk, "station_id": station.pk, "station_path": village.path,
        "service_item_id": item.pk, "service_item_name": item.name,
        "citizen": citizen, "station_admin": admin, "teams": teams,
    }


def verify(fx: dict, layer: str, measured_ids: list[int], total_lifecycles: int) -> list[str]:
    """Problems found in what one layer wrote; empty when all is well.

    - every measured order is `rated` (count == K)
    - every order of the layer has exactly 5 events: place, dispatch, accept, complete, rate
    - hours credited once: one ServiceRecord per (volunteer, order), and each volunteer's
      total_hours == lifecycles run by the layer (warm-up included) × HOURS
    """
    from wenming.orders.models import Order, OrderEvent
    from wenming.volunteers.models import ServiceRecord, Volunteer

    problems = []
    team = fx["teams"][layer]
    rated = Order.objects.filter(pk__in=measured_ids, status="rated").count()
    if rated != len(measured_ids):
        problems.append(f"{rated} of {len(measured_ids)} measured orders are rated")
    layer_orders = Order.objects.filter(team_id=team["id"])
    n_orders = layer_orders.count()
    if n_orders != total_lifecycles:
        problems.append(f"team has {n_orders} orders, expected {total_lifecycles}")
    counts = (OrderEvent.objects.filter(order__team_id=team["id"]).values("order_id")
              .annotate(n=Count("id")).values_list("n", flat=True))
    bad = [n for n in counts if n != 5]
    if bad or len(counts) != n_orders:
        problems.append(f"{len(bad)} orders without exactly 5 events")
    kinds = list(OrderEvent.objects.filter(order_id__in=measured_ids[:20]).order_by("order_id", "at", "id")
                 .values_list("kind", flat=True))
    if kinds != EVENT_KINDS * min(20, len(measured_ids)):
        problems.append("event kinds are not place, dispatch, accept, complete, rate in order")
    records = ServiceRecord.objects.filter(volunteer_id__in=team["volunteers"], source="order")
    n_records = records.count()
    if n_records != total_lifecycles * len(team["volunteers"]):
        problems.append(f"{n_records} service records, expected {total_lifecycles * len(team['volunteers'])}")
    dupes = (records.values("volunteer_id", "source_id").annotate(n=Count("id")).filter(n__gt=1).count())
    if dupes:
        problems.append(f"{dupes} (volunteer, order) pairs credited more than once")
    expected = HOURS * total_lifecycles
    for vid, total, summed in (Volunteer.objects.filter(pk__in=team["volunteers"])
                               .annotate(summed=Sum("records__hours")).values_list("id", "total_hours", "summed")):
        if Decimal(total) != expected or Decimal(summed or 0) != expected:
            problems.append(f"volunteer {vid}: total_hours {total}, records {summed}, expected {expected}")
    return problems


def close():
    connection.close()
