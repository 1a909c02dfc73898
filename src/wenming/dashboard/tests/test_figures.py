"""Each headline figure on known records, per scope; the demand figures equal the demands app's own."""

import datetime as dt

import pytest

from wenming.dashboard import figures
from wenming.dashboard.figures import BY_CODE, FIGURES, headline
from wenming.demands.selectors import unit_rates

pytestmark = pytest.mark.django_db

EXPECTED = {
    # code: (district, town A, town B)
    "volunteers": (3, 2, 1),
    "organizations": (1, 1, 0),
    "teams": (3, 2, 1),
    "service_hours": (6.0, 5.0, 1.0),
    "orders_placed": (4, 3, 1),
    "orders_solved": (3, 2, 1),
    "people_served": (5, 2, 3),
    "activities_held": (1, 1, 0),
    "demands_collected": (3, 2, 1),
    "cards_issued": (1, 1, 0),
    "materials_on_time": (0.5, 0.5, None),
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_figure_on_known_records(known, code):
    w = known
    got = tuple(BY_CODE[code].fn(n, w.start, w.end) for n in (w.district, w.town_a, w.town_b))
    assert got == EXPECTED[code]


def test_demand_rates_are_the_demands_apps(known):
    w = known
    for node in (w.district, w.town_a, w.town_b):
        start = dt.datetime.combine(w.start, dt.time.min, tzinfo=figures.TZ)
        end = dt.datetime.combine(w.end, dt.time.min, tzinfo=figures.TZ)
        rates = unit_rates(node_id=node.pk, start=start, end=end)
        for key in ("response_rate", "resolution_rate", "satisfaction_rate", "completion_rate"):
            assert BY_CODE[key].fn(node, w.start, w.end) == rates[key]
    assert BY_CODE["completion_rate"].fn(w.town_a, w.start, w.end) == 0.5
    assert BY_CODE["resolution_rate"].fn(w.town_a, w.start, w.end) == 1.0


def test_period_outside_counts_nothing(known):
    w = known
    start, end = w.start - dt.timedelta(days=400), w.start - dt.timedelta(days=300)
    for code in ("service_hours", "orders_placed", "orders_solved", "people_served", "activities_held",
                 "demands_collected", "cards_issued"):
        assert BY_CODE[code].fn(w.district, start, end) == 0, code
    assert BY_CODE["materials_on_time"].fn(w.district, start, end) is None


def test_registry_is_complete_and_headline_uses_it(known):
    w = known
    codes = [f.code for f in FIGURES]
    assert len(codes) == len(set(codes))
    for f in FIGURES:
        assert f.name and f.definition and f.sources and f.unit
    rows = headline(w.district, w.start, w.end)
    assert [r["code"] for r in rows] == codes
    assert {r["code"]: r["value"] for r in rows}["orders_solved"] == 3


def test_map_outlines_are_hulls_of_the_stations_and_open_demands_sit_on_their_place(known):
    from decimal import Decimal

    from wenming.dashboard.data import _hull, station_map
    from wenming.demands.models import Demand
    from wenming.regions.models import Node, Station
    from wenming.regions.services import node_create, station_create

    w = known
    # a square of four stations and one inside it: the inside one is not on the outline
    corners = [(106.70, 31.80), (106.80, 31.80), (106.80, 31.90), (106.70, 31.90)]
    assert sorted(_hull(corners + [(106.75, 31.85)])) == sorted(corners)
    assert _hull([(1.0, 1.0), (1.0, 1.0)]) == [(1.0, 1.0)]
    for i, (lon, lat) in enumerate(corners):  # one station per village
        village = node_create(parent=w.town_a, kind="village", name=f"测试村{i}")
        station_create(node=village, name=f"测试站{i}", latitude=Decimal(str(lat)), longitude=Decimal(str(lon)))
    # the town's other stations lie inside the square
    Station.objects.filter(node__path__startswith=w.town_a.path).exclude(name__startswith="测试站").update(
        latitude=Decimal("31.85"), longitude=Decimal("106.75"))
    data = station_map(w.district)
    town_a = next(o for o in data["outlines"] if o["name"] == w.town_a.name)
    for corner in corners:
        assert list(corner) in town_a["points"]
    Node.objects.filter(pk=w.village_a.pk).update(latitude=Decimal("31.8"), longitude=Decimal("106.7"))
    open_here = {d["name"]: d["open_demands"] for d in station_map(w.district)["demands"]}
    # the fixture's open demands: one received in town A's village, one recorded by a citizen of town B
    assert open_here.get(w.village_a.name) == Demand.objects.filter(node=w.village_a, status__in=[
        "received", "accepted", "assigned", "handling", "replied"]).count() >= 1
    Node.objects.filter(pk=w.village_b.pk).update(latitude=Decimal("31.9"), longitude=Decimal("106.9"))
    in_town_a = {d["name"] for d in station_map(w.town_a)["demands"]}
    assert w.village_a.name in in_town_a and w.village_b.name not in in_town_a  # scope holds on the map
